// ResultsReader: opens, validates and reads a results file written by ResultsWriter.
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <system_error>

#include "leadsim/core/error.h"
#include "leadsim/io/h5_util.h"
#include "leadsim/io/results.h"
#include "leadsim/io/schema.h"

namespace leadsim::io {

namespace fs = std::filesystem;
using namespace detail;

namespace {

std::string shape_text(const std::vector<hsize_t>& dims) {
  std::string s = "[";
  for (std::size_t i = 0; i < dims.size(); ++i) {
    if (i > 0) s += ", ";
    s += std::to_string(dims[i]);
  }
  return s + "]";
}

}  // namespace

struct ResultsReader::Impl {
  std::string path;
  std::optional<H5::H5File> file;
  ResultsMeta meta;
  stats::Summary summary;
  std::uint64_t n_records = 0;
  bool records = false;
  H5::DataSet rec_org, rec_scenario;
  std::vector<H5::DataSet> rec_params, rec_metrics;

  [[noreturn]] void bad(const std::string& what) const { throw FormatError(path + ": " + what); }

  bool exists(const std::string& link) const {
    // Walks the path so that a missing intermediate group is not an HDF5 error.
    std::string partial;
    std::size_t pos = 1;
    while (pos <= link.size()) {
      const std::size_t next = link.find('/', pos);
      partial = link.substr(0, next);
      if (!file->nameExists(partial)) return false;
      if (next == std::string::npos) break;
      pos = next + 1;
    }
    return true;
  }

  H5::DataSet dataset(const std::string& link, const std::vector<hsize_t>& expected) const {
    if (!exists(link) || file->childObjType(link) != H5O_TYPE_DATASET) {
      bad("missing dataset " + link);
    }
    H5::DataSet ds = file->openDataSet(link);
    const std::vector<hsize_t> got = shape_of(ds);
    if (got != expected) {
      bad("dataset " + link + " has shape " + shape_text(got) + "; expected " +
          shape_text(expected));
    }
    return ds;
  }

  H5::Group group(const std::string& link) const {
    if (!exists(link) || file->childObjType(link) != H5O_TYPE_GROUP) bad("missing group " + link);
    return file->openGroup(link);
  }

  std::uint64_t length(const std::string& link) const {
    if (!exists(link)) bad("missing dataset " + link);
    H5::DataSet ds = file->openDataSet(link);
    const std::vector<hsize_t> dims = shape_of(ds);
    if (dims.size() != 1) bad("dataset " + link + " is not one-dimensional");
    return dims[0];
  }

  template <class T>
  std::vector<T> array(const std::string& link, const std::vector<hsize_t>& expected) const {
    return read_all<T>(dataset(link, expected));
  }

  void check_identity() {
    H5::Group root = file->openGroup("/");
    std::string format;
    if (root.attrExists("format")) {
      H5::Attribute a = root.openAttribute("format");
      if (is_string_attr(a)) format = read_attr_string(root, "format");
    }
    if (format != kFormat) {
      throw FormatError(path + " is not a leadsim results file (format='" + format + "')");
    }
    if (!root.attrExists("format_version")) bad("missing attribute format_version");
    const auto version = read_attr_num<std::int64_t>(root, "format_version");
    if (version != kFormatVersion) {
      throw FormatError(path + " has format version " + std::to_string(version) +
                        "; this leadsim reads version " + std::to_string(kFormatVersion));
    }
  }

  void read_meta() {
    H5::Group root = file->openGroup("/");
    auto text = [&](const char* name) -> std::string {
      if (!root.attrExists(name)) bad(std::string("missing attribute ") + name);
      return read_attr_string(root, name);
    };
    auto number = [&]<class T>(const char* name, T) -> T {
      if (!root.attrExists(name)) bad(std::string("missing attribute ") + name);
      return read_attr_num<T>(root, name);
    };
    meta.format_version = kFormatVersion;
    meta.leadsim_version = text("leadsim_version");
    meta.git_describe = text("git_describe");
    meta.created_utc = text("created_utc");
    meta.command_line = text("command_line");
    meta.config_ini = text("config");
    meta.model = text("model");
    meta.seed = number("seed", std::uint64_t{});
    meta.orgs_per_scenario = number("orgs_per_scenario", std::uint64_t{});
    meta.block_size = number("block_size", std::uint32_t{});
    meta.baseline_mode = text("baseline_mode");
    meta.rng = text("rng");
    // Absent from files written before 2026-12-02: they match no current identity.
    if (root.attrExists("results_identity")) {
      meta.identity = read_attr_string(root, "results_identity");
    }
    meta.hdf5_version = text("hdf5_version");
    meta.compiler = text("compiler");
    meta.samples = number("samples", std::int64_t{});
    meta.scenarios = number("scenarios", std::uint64_t{});
    const int n_attrs = root.getNumAttrs();
    for (int i = 0; i < n_attrs; ++i) {
      H5::Attribute a = root.openAttribute(static_cast<unsigned>(i));
      const std::string name = a.getName();
      if (kRootAttrs.count(name) != 0 || !is_string_attr(a)) continue;
      meta.extra_attrs[name] = read_attr_string(root, name);
    }

    const hsize_t S = meta.scenarios;
    if (length("/scenario") != S) bad("dataset /scenario does not have 'scenarios' rows");
    meta.modes = read_strings(dataset("/modes", {length("/modes")}));
    const std::vector<std::string> metric_names =
        read_strings(dataset("/metrics", {length("/metrics")}));
    const hsize_t M = meta.modes.size(), K = metric_names.size();
    const auto units = read_strings(dataset("/metrics_info/unit", {K}));
    const auto descriptions = read_strings(dataset("/metrics_info/description", {K}));
    const auto better = read_strings(dataset("/metrics_info/better", {K}));
    const auto metric_links = link_names(metric_names, {});
    meta.metrics.clear();
    for (std::size_t k = 0; k < K; ++k) {
      stats::MetricDef m;
      m.name = metric_names[k];
      m.unit = units[k];
      m.description = descriptions[k];
      if (!stats::parse_better(better[k], m.better)) {
        bad("/metrics_info/better of metric '" + m.name + "' is '" + better[k] +
            "'; expected higher, lower or none");
      }
      const std::string g = "/histograms/" + metric_links[k];
      H5::Group hg = group(g);
      for (const char* a : {"lo", "hi", "bins", "log_bins"}) {
        if (!hg.attrExists(a)) bad("missing attribute " + g + "@" + a);
      }
      m.lo = read_attr_num<double>(hg, "lo");
      m.hi = read_attr_num<double>(hg, "hi");
      m.bins = static_cast<int>(read_attr_num<std::int64_t>(hg, "bins"));
      m.log_bins = read_attr_num<std::int64_t>(hg, "log_bins") != 0;
      meta.metrics.push_back(m);
    }

    H5::Group sc = group("/scenarios");
    meta.sweep_params = read_attr_strings(sc, "params");
    const auto param_links = link_names(meta.sweep_params, kReservedInScenarioGroups);
    dataset("/scenarios/id", {S});
    meta.scenario_values.clear();
    meta.sweep_units.clear();
    for (const auto& link : param_links) {
      H5::DataSet ds = dataset("/scenarios/" + link, {S});
      meta.scenario_values.push_back(read_all<double>(ds));
      meta.sweep_units.push_back(read_attr_string(ds, "units"));
    }

    summary.S = S;
    summary.M = M;
    summary.K = K;
    read_summary(metric_links);
    read_records_header(metric_links);
  }

  void read_summary(const std::vector<std::string>& metric_links) {
    stats::Summary& s = summary;
    const std::vector<hsize_t> smk{s.S, s.M, s.K};
    s.Q = length("/summary/quantile_levels");
    s.quantile_levels = array<double>("/summary/quantile_levels", {s.Q});
    s.count = array<std::uint64_t>("/summary/count", smk);
    s.nan_count = array<std::uint64_t>("/summary/nan_count", smk);
    s.mean = array<double>("/summary/mean", smk);
    s.std = array<double>("/summary/std", smk);
    s.sem = array<double>("/summary/sem", smk);
    s.min = array<double>("/summary/min", smk);
    s.max = array<double>("/summary/max", smk);
    s.quantiles = array<double>("/summary/quantiles", {s.S, s.M, s.K, s.Q});
    s.paired_count = array<std::uint64_t>("/paired/count", smk);
    s.paired_mean = array<double>("/paired/mean", smk);
    s.paired_std = array<double>("/paired/std", smk);
    s.paired_ci_low = array<double>("/paired/ci_low", smk);
    s.paired_ci_high = array<double>("/paired/ci_high", smk);
    s.win_rate = array<double>("/paired/win_rate", smk);
    s.win_rate_ci_low = array<double>("/paired/win_rate_ci_low", smk);
    s.win_rate_ci_high = array<double>("/paired/win_rate_ci_high", smk);
    s.tie_rate = array<double>("/paired/tie_rate", smk);
    s.wins = array<std::uint64_t>("/paired/wins", smk);
    s.ties = array<std::uint64_t>("/paired/ties", smk);
    s.greater = array<std::uint64_t>("/paired/greater", smk);
    s.histograms.clear();
    for (const auto& link : metric_links) {
      const std::string g = "/histograms/" + link;
      stats::HistogramArrays h;
      const hsize_t edges = length(g + "/edges");
      if (edges < 2) bad("dataset " + g + "/edges has fewer than 2 edges");
      h.edges = array<double>(g + "/edges", {edges});
      h.counts = array<std::uint64_t>(g + "/counts", {s.S, s.M, edges - 1});
      h.underflow = array<std::uint64_t>(g + "/underflow", {s.S, s.M});
      h.overflow = array<std::uint64_t>(g + "/overflow", {s.S, s.M});
      s.histograms.push_back(std::move(h));
    }
  }

  void read_records_header(const std::vector<std::string>& metric_links) {
    if (!exists("/orgs")) return;
    records = true;
    n_records = length("/orgs/org");
    const hsize_t N = n_records, M = summary.M;
    rec_org = dataset("/orgs/org", {N});
    rec_scenario = dataset("/orgs/scenario", {N});
    H5::Group params = group("/orgs/params");
    const std::vector<std::string> fields = read_attr_strings(params, "fields");
    const auto field_links = link_names(fields, {});
    for (std::size_t p = 0; p < fields.size(); ++p) {
      H5::DataSet ds = dataset("/orgs/params/" + field_links[p], {N});
      stats::FieldDef f;
      f.name = fields[p];
      f.unit = read_attr_string(ds, "units");
      f.description = read_attr_string(ds, "description");
      meta.record_fields.push_back(f);
      rec_params.push_back(ds);
    }
    for (const auto& link : metric_links) {
      rec_metrics.push_back(dataset("/orgs/metrics/" + link, {N, M}));
    }
  }

  std::uint64_t u64_at(const H5::DataSet& ds, hsize_t i) const {
    return read_rows<std::uint64_t>(ds, i, 1)[0];
  }
};

ResultsReader::ResultsReader(const std::string& path) : impl_(std::make_unique<Impl>()) {
  quiet_hdf5();
  Impl& im = *impl_;
  im.path = path;
  std::error_code ec;
  if (!fs::exists(path, ec)) throw IoError("'" + path + "' does not exist");
  if (fs::is_directory(path, ec)) throw IoError("'" + path + "' is a directory");
  const htri_t is_hdf5 = H5Fis_hdf5(path.c_str());
  if (is_hdf5 < 0) throw IoError("cannot read '" + path + "'");
  if (is_hdf5 == 0) throw FormatError(path + " is not an HDF5 file");
  try {
    im.file.emplace(path, H5F_ACC_RDONLY, H5::FileCreatPropList::DEFAULT, file_access());
    im.check_identity();
    im.read_meta();
  } catch (const H5::Exception& e) {
    const std::string why = describe_h5_error(e);
    throw_if_locked(path);
    throw FormatError(path + ": unreadable (truncated or damaged?): " + why);
  }
}

ResultsReader::~ResultsReader() = default;

const ResultsMeta& ResultsReader::meta() const {
  return impl_->meta;
}
const stats::Summary& ResultsReader::summary() const {
  return impl_->summary;
}
std::uint64_t ResultsReader::record_count() const {
  return impl_->n_records;
}

RecordBatch ResultsReader::read_records(std::uint64_t first, std::uint64_t n) const {
  const Impl& im = *impl_;
  if (first > im.n_records || n > im.n_records - first) {
    throw std::out_of_range(im.path + ": records [" + std::to_string(first) + ", " +
                            std::to_string(first + n) + ") beyond the " +
                            std::to_string(im.n_records) + " stored");
  }
  RecordBatch b;
  if (n == 0) return b;
  try {
    b.scenario = read_rows<std::uint64_t>(im.rec_scenario, first, n);
    b.org = read_rows<std::uint64_t>(im.rec_org, first, n);
    const std::size_t P = im.rec_params.size(), M = im.summary.M, K = im.rec_metrics.size();
    b.params.resize(n * P);
    for (std::size_t p = 0; p < P; ++p) {
      const auto col = read_rows<double>(im.rec_params[p], first, n);
      for (std::size_t i = 0; i < n; ++i) b.params[i * P + p] = col[i];
    }
    b.metrics.resize(n * M * K);
    for (std::size_t k = 0; k < K; ++k) {
      const auto block = read_rows<double>(im.rec_metrics[k], first, n);  // [n, M]
      for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t m = 0; m < M; ++m) b.metrics[(i * M + m) * K + k] = block[i * M + m];
      }
    }
  } catch (const H5::Exception& e) {
    throw FormatError(im.path + ": cannot read records: " + describe_h5_error(e));
  }
  return b;
}

std::int64_t ResultsReader::find_record(std::uint64_t scenario, std::uint64_t org) const {
  const Impl& im = *impl_;
  try {
    // Records are stored in strictly increasing (scenario, org) order (the writer checks).
    std::uint64_t lo = 0, hi = im.n_records;
    while (lo < hi) {
      const std::uint64_t mid = lo + (hi - lo) / 2;
      const std::uint64_t s = im.u64_at(im.rec_scenario, mid);
      const std::uint64_t o = s == scenario ? im.u64_at(im.rec_org, mid) : 0;
      if (s < scenario || (s == scenario && o < org)) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    if (lo < im.n_records && im.u64_at(im.rec_scenario, lo) == scenario &&
        im.u64_at(im.rec_org, lo) == org) {
      return static_cast<std::int64_t>(lo);
    }
  } catch (const H5::Exception& e) {
    throw FormatError(im.path + ": cannot read records: " + describe_h5_error(e));
  }
  return -1;
}

}  // namespace leadsim::io
