#include "cli_util.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <new>
#include <sstream>

#include "leadsim/config/param.h"
#include "leadsim/core/error.h"
#include "leadsim_app/default_ini.h"

namespace leadsim::cli {

const std::vector<Subcommand>& subcommands() {
  static const std::vector<Subcommand> table = {
      {"run", "run a study and write its results file", &cmd_run},
      {"inspect", "show a results file's provenance and summary statistics", &cmd_inspect},
      {"replay", "re-simulate one organization of a results file and check it bit for bit",
       &cmd_replay},
      {"params", "list every configuration parameter with default, range and meaning", &cmd_params},
      {"merge", "merge the shard files of a study into one results file", &cmd_merge},
      {"bench", "run the standard benchmark workload and report throughput", &cmd_bench},
  };
  return table;
}

std::string exit_codes_help() {
  return "Exit codes:\n"
         "  0  success\n"
         "  1  runtime failure (file unreadable or unwritable, wrong file format, "
         "simulation error)\n"
         "  2  usage or configuration error (bad option, key, value or distribution)\n"
         "  3  interrupted (SIGINT, SIGTERM or SIGUSR1); no results file is left behind;\n"
         "     run keeps a checkpoint in <OUT>.partial/ (continue with --resume)\n";
}

std::string shorten_message(std::string_view message) {
  // One line: embedded newlines would break log parsing.
  std::string line(message);
  std::replace(line.begin(), line.end(), '\n', ' ');
  // Every word (a run without blanks: a value, a key, a path) longer than kExcerptChars is
  // cut by excerpt(); then a message still longer than kMaxMessage keeps its head and tail.
  // A word the engine already cut (its excerpt plus quotes or brackets around it) is left
  // alone: cutting it again would name the excerpt's length instead of the input's.
  constexpr std::size_t kPunctuation = 8;
  std::string out;
  std::size_t at = 0;
  while (at < line.size()) {
    const std::size_t end = std::min(line.find(' ', at), line.size());
    const std::string_view word = std::string_view(line).substr(at, end - at);
    out +=
        count_characters(word) > kExcerptChars + kPunctuation ? excerpt(word) : std::string(word);
    if (end < line.size()) out.push_back(' ');
    at = end + 1;
  }
  constexpr std::size_t kMaxMessage = 1000, kTail = 300;
  if (out.size() > kMaxMessage) {
    std::size_t head = kMaxMessage - kTail, tail = out.size() - kTail;
    while (head > 0 && (static_cast<unsigned char>(out[head]) & 0xC0u) == 0x80u) --head;
    while (tail < out.size() && (static_cast<unsigned char>(out[tail]) & 0xC0u) == 0x80u) ++tail;
    out = out.substr(0, head) + "\u2026 (" + std::to_string(tail - head) +
          " characters cut) \u2026" + out.substr(tail);
  }
  return out;
}

void print_error(std::string_view message) {
  std::cerr << "leadsim: error: " << shorten_message(message) << '\n';
}

std::string flag_of(RequestOption option) {
  // Every request option is the flag of its name, '_' spelt '-' (allow_partial: --allow-partial).
  std::string name = option_name(option);
  if (name.empty()) return name;
  std::replace(name.begin(), name.end(), '_', '-');
  return "--" + name;
}

std::string replay_command(std::uint64_t scenario, std::uint64_t org) {
  return "leadsim replay <results.h5 or config.ini> " + flag_of(RequestOption::scenario) + " " +
         std::to_string(scenario) + " " + flag_of(RequestOption::org) + " " + std::to_string(org);
}

std::string user_message(const std::exception& e) {
  if (const auto* v = dynamic_cast<const OptionValueError*>(&e)) {
    return flag_of(v->option()) + " " + v->value() + ": " + v->problem();
  }
  if (const auto* c = dynamic_cast<const CheckpointExists*>(&e)) {
    return "a checkpoint of an earlier run (no longer running) exists at '" + c->checkpoint() +
           "'; pass " + flag_of(c->option()) + " to continue it, or remove '" + c->partial_dir() +
           "' to start afresh";
  }
  if (const auto* o = dynamic_cast<const OutputOfAnotherStudy*>(&e)) {
    return "'" + o->path() + "' holds the finished result of another study (" + o->difference() +
           "); use " + flag_of(o->option()) + " to replace it with this run, or another -o";
  }
  if (const auto* o = dynamic_cast<const OutputExists*>(&e)) {
    return "'" + o->path() + "' exists; use " + flag_of(o->option()) + " to overwrite";
  }
  if (const auto* m = dynamic_cast<const MissingWorkItems*>(&e)) {
    return std::string(m->what()) + " (pass " + flag_of(m->option()) +
           " to write a partial result)";
  }
  if (const auto* s = dynamic_cast<const SimulationError*>(&e)) {
    if (s->kind() == SimulationError::Kind::run_failure) {
      return std::string(s->what()) +
             "; reproduce with: " + replay_command(s->scenario(), s->org());
    }
  }
  return e.what();
}

int run_guarded(const std::function<int()>& fn) {
  try {
    return fn();
  } catch (const Interrupted& e) {
    std::cerr << "leadsim: interrupted: " << shorten_message(user_message(e)) << '\n';
    return kExitInterrupted;
  } catch (const ConfigError& e) {
    print_error(user_message(e));
    return kExitUsage;
  } catch (const po::error& e) {
    print_error(e.what());
    return kExitUsage;
  } catch (const SimulationError& e) {
    print_error(user_message(e));
    return kExitFailure;
  } catch (const IoError& e) {  // includes FormatError
    print_error(user_message(e));
    return kExitFailure;
  } catch (const std::bad_alloc&) {
    print_error("out of memory");
    return kExitFailure;
  } catch (const std::exception& e) {
    print_error(user_message(e));
    return kExitFailure;
  }
}

po::variables_map parse_options(const Args& args, const po::options_description& desc,
                                const po::positional_options_description& positional) {
  po::variables_map vm;
  // No guessing of abbreviated long options: `--thread` must not silently mean `--threads`.
  const int style = po::command_line_style::default_style & ~po::command_line_style::allow_guessing;
  try {
    po::store(po::command_line_parser(args).options(desc).positional(positional).style(style).run(),
              vm);
  } catch (const po::unknown_option& e) {
    // ... but a near miss gets the spelling it probably meant.
    std::vector<std::string> names;
    for (const auto& o : desc.options()) {
      if (!o->long_name().empty()) names.push_back("--" + o->long_name());
    }
    const std::string near = config::closest(e.get_option_name(), names);
    if (near.empty()) throw;
    throw ConfigError(std::string(e.what()) + "; did you mean '" + near + "'?");
  }
  po::notify(vm);
  return vm;
}

bool wants_help(const Args& args) {
  return std::find(args.begin(), args.end(), "--help") != args.end() ||
         std::find(args.begin(), args.end(), "-h") != args.end();
}

std::optional<po::variables_map> parse_file_command(const Args& args,
                                                    const po::options_description& desc,
                                                    std::string_view usage,
                                                    std::string_view summary) {
  if (wants_help(args)) {
    print_help(std::cout, usage, summary, desc);
    return std::nullopt;
  }
  po::options_description all("all");
  all.add(desc).add_options()("file", po::value<std::string>());
  po::positional_options_description pos;
  pos.add("file", 1);
  po::variables_map vm = parse_options(args, all, pos);
  if (!vm.count("file")) throw po::error("missing the results file: " + std::string(usage));
  return vm;
}

void print_help(std::ostream& os, std::string_view usage, std::string_view summary,
                const po::options_description& desc) {
  os << "usage: " << usage << "\n\n" << summary << "\n\n" << desc << '\n' << exit_codes_help();
}

std::uint64_t parse_uint(std::string_view text, std::string_view option) {
  std::uint64_t v = 0;
  const char* first = text.data();
  const char* last = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(first, last, v);
  if (ec == std::errc::result_out_of_range && ptr == last) {
    throw ConfigError(std::string(option) + " " + excerpt(text) +
                      ": out of range [0, 2^64-1] (18446744073709551615)");
  }
  if (text.empty() || ec != std::errc() || ptr != last) {
    throw ConfigError(std::string(option) + " " + excerpt(text) + ": not a non-negative integer");
  }
  return v;
}

std::string shell_quote(std::string_view arg) {
  const bool plain = !arg.empty() && std::all_of(arg.begin(), arg.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return std::isalnum(u) || std::string_view("_-./,=:+@%").find(c) != std::string_view::npos;
  });
  if (plain) return std::string(arg);
  std::string out = "'";
  for (char c : arg) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string shell_join(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) {
    if (!out.empty()) out += ' ';
    out += shell_quote(a);
  }
  return out;
}

void check_results_path(const std::string& path, std::string_view what) {
  std::string ext = std::filesystem::path(path).extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (ext == ".h5" || ext == ".hdf5") return;
  throw ConfigError(std::string(what) + " " + path +
                    ": a results file is HDF5; its name must end in .h5 or .hdf5");
}

std::string join(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

std::string read_config_file(const std::string& path) {
  std::error_code ec;
  const auto st = std::filesystem::status(path, ec);
  if (!std::filesystem::exists(st)) {
    throw ConfigError(path + ": no such configuration file");
  }
  if (std::filesystem::is_directory(st)) {
    throw ConfigError(path + ": is a directory, not a configuration file");
  }
  if (!std::filesystem::is_regular_file(st)) {
    throw ConfigError(path + ": not a regular file (a device, FIFO or socket); a configuration " +
                      "must be a regular file");
  }
  if (std::filesystem::file_size(path, ec) > kMaxConfigBytes) {
    throw ConfigError(path + ": " + std::to_string(std::filesystem::file_size(path, ec)) +
                      " bytes; a configuration file may hold at most " +
                      std::to_string(kMaxConfigBytes) + " bytes (16 MiB)");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    throw ConfigError(path + ": cannot open the configuration file: " + errno_text(err));
  }
  // Read at most one byte past the limit: a file that grew since the check is still bounded.
  std::string text(kMaxConfigBytes + 1, '\0');
  errno = 0;
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) {
    const int err = errno;
    throw ConfigError(path + ": cannot read the configuration file: " +
                      (err != 0 ? errno_text(err) : std::string("read error")));
  }
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > kMaxConfigBytes) {
    throw ConfigError(path + ": more than " + std::to_string(kMaxConfigBytes) +
                      " bytes; a configuration file may hold at most 16 MiB");
  }
  return text;
}

config::ConfigTree load_config_tree(const std::optional<std::string>& path) {
  if (!path) return config::read_ini(kDefaultIni, "<built-in default.ini>");
  return config::read_ini(read_config_file(*path), *path);
}

std::string with_commas(std::uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  const std::size_t lead = digits.size() % 3;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i != 0 && (i % 3) == lead) out += ',';
    out += digits[i];
  }
  return out;
}

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "-:--";
  const auto total = static_cast<std::uint64_t>(std::llround(seconds));
  const std::uint64_t h = total / 3600;
  const std::uint64_t m = (total / 60) % 60;
  const std::uint64_t s = total % 60;
  char buf[64];
  if (h > 0) {
    std::snprintf(buf, sizeof buf, "%llu:%02llu:%02llu", static_cast<unsigned long long>(h),
                  static_cast<unsigned long long>(m), static_cast<unsigned long long>(s));
  } else {
    std::snprintf(buf, sizeof buf, "%llu:%02llu", static_cast<unsigned long long>(m),
                  static_cast<unsigned long long>(s));
  }
  return buf;
}

std::string format_number(double v, int significant) {
  if (std::isnan(v)) return "-";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", significant, v);
  return buf;
}

std::string format_fixed(double v, int decimals) {
  if (std::isnan(v)) return "-";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string format_rate_ci(double rate, double lo, double hi) {
  if (std::isnan(rate)) return "-";
  std::string out = format_fixed(rate, 3);
  out.append(" [").append(format_fixed(lo, 3)).append(", ").append(format_fixed(hi, 3));
  out.append("]");
  return out;
}

std::string format_exact(double v) {
  // std::to_chars without a format: the shortest text that reads back to the same double
  // (0.8, not 0.80000000000000004).
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

namespace {

bool looks_numeric(const std::string& cell) {
  if (cell.empty()) return false;
  const auto u = static_cast<unsigned char>(cell[0]);
  return std::isdigit(u) || cell[0] == '-' || cell[0] == '+' || cell[0] == '.';
}

// Display width in code points, so that "±" does not throw the columns off.
std::size_t display_width(const std::string& s) {
  std::size_t w = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++w;
  }
  return w;
}

}  // namespace

void Table::print(std::ostream& os, std::string_view indent) const {
  std::vector<std::size_t> width(header_.size(), 0);
  auto widen = [&](const std::vector<std::string>& row) {
    for (std::size_t c = 0; c < row.size() && c < width.size(); ++c) {
      width[c] = std::max(width[c], display_width(row[c]));
    }
  };
  widen(header_);
  for (const auto& r : rows_) widen(r);
  auto emit = [&](const std::vector<std::string>& row, bool is_header) {
    std::string line(indent);
    for (std::size_t c = 0; c < width.size(); ++c) {
      const std::string cell = c < row.size() ? row[c] : "";
      const std::string pad(width[c] - display_width(cell), ' ');
      if (c > 0) line += "  ";
      if (!is_header && !left_align_ && c > 0 && looks_numeric(cell)) {
        line += pad + cell;
      } else {
        line += cell + pad;
      }
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    os << line << '\n';
  };
  emit(header_, true);
  for (const auto& r : rows_) emit(r, false);
}

void Table::print_markdown(std::ostream& os) const {
  auto cell = [](const std::string& s) {
    std::string out;
    for (char c : s) {
      if (c == '|') out += '\\';
      out += c;
    }
    return out;
  };
  os << '|';
  for (const auto& h : header_) os << ' ' << cell(h) << " |";
  os << "\n|";
  for (std::size_t c = 0; c < header_.size(); ++c) os << "---|";
  os << '\n';
  for (const auto& r : rows_) {
    os << '|';
    for (std::size_t c = 0; c < header_.size(); ++c) {
      os << ' ' << (c < r.size() ? cell(r[c]) : "") << " |";
    }
    os << '\n';
  }
}

void JsonWriter::separate() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!first_.empty()) {
    if (!first_.back()) os_ << ',';
    first_.back() = false;
  }
}

JsonWriter& JsonWriter::begin_object() {
  separate();
  os_ << '{';
  first_.push_back(true);
  return *this;
}

JsonWriter& JsonWriter::end_object() {
  first_.pop_back();
  os_ << '}';
  return *this;
}

JsonWriter& JsonWriter::begin_array() {
  separate();
  os_ << '[';
  first_.push_back(true);
  return *this;
}

JsonWriter& JsonWriter::end_array() {
  first_.pop_back();
  os_ << ']';
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view k) {
  separate();
  os_ << escape(k) << ':';
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view s) {
  separate();
  os_ << escape(s);
  return *this;
}

JsonWriter& JsonWriter::value(double v) {
  if (!std::isfinite(v)) return null();
  separate();
  os_ << format_exact(v);
  return *this;
}

JsonWriter& JsonWriter::value(std::uint64_t v) {
  separate();
  os_ << v;
  return *this;
}

JsonWriter& JsonWriter::value(std::int64_t v) {
  separate();
  os_ << v;
  return *this;
}

JsonWriter& JsonWriter::value(bool v) {
  separate();
  os_ << (v ? "true" : "false");
  return *this;
}

JsonWriter& JsonWriter::null() {
  separate();
  os_ << "null";
  return *this;
}

std::string JsonWriter::escape(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (u < 0x20 || u == 0x7F) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(u));
          out += buf;
        } else {
          out += c;  // UTF-8 passes through; JSON allows it unescaped
        }
    }
  }
  return out + "\"";
}

}  // namespace leadsim::cli
