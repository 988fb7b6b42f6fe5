// ResultsWriter: the layout is described in docs/RESULTS.md and schema.h. The file itself is
// made safely by SafeFile (temporary name, space reservation, rename, removal).
#include "leadsim/io/results.h"

#include <cmath>
#include <cstring>
#include <optional>
#include <stdexcept>

#include "leadsim/core/error.h"
#include "leadsim/core/provenance.h"
#include "leadsim/io/h5_util.h"
#include "leadsim/io/safe_file.h"
#include "leadsim/io/schema.h"

namespace leadsim::io {

using namespace detail;

namespace {

constexpr hsize_t kRecordChunkRows = 8192;
constexpr int kDeflateLevel = 4;
const char* const kPerMetricUnits = "as the metric (see /metrics_info/unit)";
const char* const kBetterDescription =
    "direction of better of each metric: higher or lower (a win is a mode better than the "
    "baseline that way), none (neither is better: no win rate)";
const char* const kWinMeaning =
    "win: the mode better than the baseline in the metric's direction of better "
    "(/metrics_info/better), difference > 0 for higher and < 0 for lower; ties are no win";
const char* const kWinRateNaN =
    "NaN where the metric's direction of better is none (neither higher nor lower is better, "
    "so no mode wins) or no organization has both values finite";

std::string in_quotes(const std::string& s) {
  return "'" + s + "'";
}

void check_size(const char* what, std::size_t got, std::size_t expected) {
  if (got != expected) {
    throw std::invalid_argument(std::string("results writer: ") + what + " has " +
                                std::to_string(got) + " values; expected " +
                                std::to_string(expected));
  }
}

std::string hdf5_version_string() {
  unsigned maj = 0, min = 0, rel = 0;
  H5get_libversion(&maj, &min, &rel);
  return std::to_string(maj) + "." + std::to_string(min) + "." + std::to_string(rel);
}

// Value at the centre of each histogram bin (geometric centre for log bins).
std::vector<double> bin_centres(const std::vector<double>& edges, bool log_bins) {
  std::vector<double> c;
  for (std::size_t i = 0; i + 1 < edges.size(); ++i) {
    c.push_back(log_bins ? std::sqrt(edges[i] * edges[i + 1]) : 0.5 * (edges[i] + edges[i + 1]));
  }
  return c;
}

}  // namespace

struct ResultsWriter::Impl {
  std::string path;
  ResultsMeta meta;
  std::optional<SafeFile> safe;  // before `file`: outlives it
  std::optional<H5::H5File> file;
  bool committed = false;
  bool summary_written = false;

  std::vector<std::string> param_links;   // /scenarios/<link> per sweep axis
  std::vector<std::string> metric_links;  // /histograms/<link>, /orgs/metrics/<link>
  std::vector<std::string> field_links;   // /orgs/params/<link>

  // Root dimension scales.
  H5::DataSet scenario_scale, mode_scale, metric_scale;

  // Records.
  bool records = false;
  hsize_t n_records = 0;
  std::uint64_t raw_appended = 0;  // record bytes appended so far (uncompressed)
  std::uint64_t last_scenario = 0, last_org = 0;
  H5::DataSet org_scale, rec_scenario;
  std::vector<H5::DataSet> rec_params, rec_metrics;
  std::vector<double> scratch;

  std::uint64_t S() const { return meta.scenarios; }
  std::uint64_t M() const { return meta.modes.size(); }
  std::uint64_t K() const { return meta.metrics.size(); }

  [[noreturn]] void fail(const char* doing, const H5::Exception& e) const {
    throw IoError(in_quotes(path) + ": HDF5 error while " + doing + ": " + describe_h5_error(e));
  }

  // Closes explicitly (a failed close throws) rather than through destructors, which print
  // to stderr when a close fails.
  void close_all() {
    for (auto& d : rec_params) d.close();
    for (auto& d : rec_metrics) d.close();
    org_scale.close();
    rec_scenario.close();
    scenario_scale.close();
    mode_scale.close();
    metric_scale.close();
    rec_params.clear();
    rec_metrics.clear();
    if (file) {
      file->close();
      file.reset();
    }
  }

  ~Impl() {
    if (safe && !committed) abandon();
  }

  // Closes an uncommitted file and removes it. Closing flushes HDF5's caches; when the disk
  // is full that flush fails, and HDF5 1.10 then leaves a half-freed file id that crashes at
  // library shutdown. The file is being thrown away, so its descriptor is first diverted to
  // an anonymous in-memory file (sec2 driver): the flush succeeds, nothing reaches the disk.
  void abandon() noexcept {
    SafeFile::divert(file_fd());
    try {
      close_all();
    } catch (...) {
      // Removal below still runs; the error that made us abandon the file is already thrown.
    }
    safe->remove();
  }

  // The sec2 driver's file descriptor, or -1.
  int file_fd() const noexcept {
    void* handle = nullptr;
    if (!file || H5Fget_vfd_handle(file->getId(), H5P_DEFAULT, &handle) < 0 || !handle) return -1;
    return *static_cast<int*>(handle);
  }

  // HDF5 1.10 cannot close a file after a failed write of its metadata (the cache is left
  // inconsistent, and the file id dangles until a crash at exit). So disk space is reserved
  // (fallocate, KEEP_SIZE) before every step that writes: the bytes the step adds, plus the
  // metadata cache and the raw-data chunk caches that may be flushed, plus a margin. A full
  // disk then fails here, with an IoError, while abandoning the file is still safe; HDF5's
  // own writes land in reserved blocks. Reserved blocks past the final end of file are
  // released in commit(). File systems without fallocate (some NFS) go unguarded.
  //
  // The raw-data chunk caches (1 MiB per dataset by default) can only hold data that was
  // appended, so they count for at most what has been appended so far (plus 1/64 for
  // deflate's worst-case growth and chunk headers): a small result on a small disk does not
  // need a mebibyte per dataset.
  void reserve(std::uint64_t bytes) {
    const int fd = file_fd();
    if (fd < 0) return;
    hsize_t size = 0;
    size_t max_mdc = 0, min_clean = 0, cur_mdc = 0;
    int entries = 0;
    if (H5Fget_filesize(file->getId(), &size) < 0 ||
        H5Fget_mdc_size(file->getId(), &max_mdc, &min_clean, &cur_mdc, &entries) < 0) {
      return;
    }
    constexpr std::uint64_t kMiB = 1u << 20;
    constexpr std::uint64_t kMargin = 256u << 10;  // object headers, B-tree nodes, free lists
    const std::uint64_t datasets = 2 + rec_params.size() + rec_metrics.size();
    const std::uint64_t caches =
        std::min<std::uint64_t>((datasets + 1) * kMiB, raw_appended + bytes);
    const std::uint64_t end = size + bytes + cur_mdc + caches + caches / 64 + kMargin;
    safe->reserve(fd, end);
  }

  void validate_meta() const {
    if (meta.sweep_params.size() != meta.scenario_values.size()) {
      throw std::invalid_argument("results writer: sweep_params and scenario_values differ");
    }
    for (const auto& v : meta.scenario_values) check_size("scenario_values[axis]", v.size(), S());
    for (const auto& m : meta.metrics) {
      if (!stats::is_direction(m.better)) {
        throw std::invalid_argument("results writer: metric '" + m.name +
                                    "' does not declare its direction of better");
      }
    }
    if (!meta.sweep_units.empty()) {
      check_size("sweep_units", meta.sweep_units.size(), meta.sweep_params.size());
    }
    for (const auto& [name, value] : meta.extra_attrs) {
      if (kRootAttrs.count(name) != 0) {
        throw std::invalid_argument("results writer: extra attribute '" + name +
                                    "' collides with a standard attribute");
      }
    }
  }

  H5::DataSet scale(H5::Group& g, const std::string& name, const std::string& units,
                    const std::string& description, const auto& values) {
    H5::DataSet ds;
    if constexpr (std::is_same_v<std::decay_t<decltype(values)>, std::vector<std::string>>) {
      ds = write_strings(g, name, values);
    } else {
      ds = write_array(g, name, values, {static_cast<hsize_t>(values.size())});
    }
    describe(ds, units, description);
    make_scale(ds, name);
    return ds;
  }

  std::vector<std::uint64_t> scenario_ids() const {
    std::vector<std::uint64_t> ids(S());
    for (std::uint64_t s = 0; s < S(); ++s) ids[s] = s;
    return ids;
  }

  std::string sweep_unit(std::size_t axis) const {
    return meta.sweep_units.empty() ? "unspecified" : meta.sweep_units[axis];
  }

  // The group-local scales (scenario, mode, metric) that make xarray label a group's arrays,
  // plus the swept parameters as auxiliary coordinates. Returns the "coordinates" text.
  struct LocalScales {
    H5::DataSet scenario, mode, metric;
    std::string coordinates;
  };
  LocalScales local_scales(H5::Group& g, bool with_metric) {
    LocalScales ls;
    ls.scenario = scale(g, "scenario", "1", "scenario index (row of /scenarios)", scenario_ids());
    ls.mode = scale(g, "mode", "1", meta.mode_description, meta.modes);
    if (with_metric) {
      std::vector<std::string> names;
      for (const auto& m : meta.metrics) names.push_back(m.name);
      ls.metric = scale(g, "metric", "1", "outcome metric", names);
    }
    for (std::size_t a = 0; a < meta.sweep_params.size(); ++a) {
      H5::DataSet ds =
          write_array(g, param_links[a], meta.scenario_values[a], {static_cast<hsize_t>(S())});
      describe(ds, sweep_unit(a), "swept parameter " + meta.sweep_params[a] + " per scenario");
      attach_scales(ds, {&ls.scenario});
      if (!ls.coordinates.empty()) ls.coordinates += ' ';
      ls.coordinates += param_links[a];
    }
    return ls;
  }

  template <class T>
  void smk(H5::Group& g, const LocalScales& ls, const std::string& name,
           const std::vector<T>& values, const std::string& units, const std::string& description) {
    check_size(name.c_str(), values.size(), S() * M() * K());
    H5::DataSet ds = write_array(g, name, values, {S(), M(), K()});
    describe(ds, units, description);
    attach_scales(ds, {&ls.scenario, &ls.mode, &ls.metric});
    if (!ls.coordinates.empty()) write_attr(ds, "coordinates", ls.coordinates);
  }

  // /provenance/shards: one row per merged input, each column a dataset.
  void write_shard_provenance(H5::Group& root) {
    H5::Group prov = root.createGroup("provenance");
    H5::Group g = prov.createGroup("shards");
    describe(g, "1", "the input files this file was merged from, one row each, in merge order");
    const std::size_t n = meta.shards.size();
    auto column = [&](const char* name, const char* what, auto field) {
      std::vector<std::string> v(n);
      for (std::size_t i = 0; i < n; ++i) v[i] = meta.shards[i].*field;
      H5::DataSet ds = write_strings(g, name, v);
      describe(ds, "1", what);
    };
    auto number = [&](const char* name, const char* what, auto field) {
      std::vector<std::uint64_t> v(n);
      for (std::size_t i = 0; i < n; ++i) v[i] = meta.shards[i].*field;
      H5::DataSet ds = write_array(g, name, v, {n});
      describe(ds, "1", what);
    };
    column("file", "input file as given to merge", &ShardProvenance::file);
    number("shard_index", "the input's shard index", &ShardProvenance::shard_index);
    number("shard_count", "the input's shard count", &ShardProvenance::shard_count);
    number("item_first", "first work item of the input", &ShardProvenance::item_first);
    number("item_end", "end (exclusive) of the input's work items", &ShardProvenance::item_end);
    column("leadsim_version", "leadsim version that wrote the input",
           &ShardProvenance::leadsim_version);
    column("git_describe", "source revision of that leadsim", &ShardProvenance::git_describe);
    column("compiler", "compiler and flags of that leadsim", &ShardProvenance::compiler);
    column("created_utc", "when the input was written", &ShardProvenance::created_utc);
    column("results_identity", "results identity of the input (equal for every row)",
           &ShardProvenance::identity);
  }

  void write_header() {
    H5::Group root = file->openGroup("/");
    write_attr(root, "format", std::string(kFormat));
    write_attr_num<std::int64_t>(root, "format_version", kFormatVersion);
    write_attr(root, "leadsim_version", meta.leadsim_version);
    write_attr(root, "git_describe", meta.git_describe);
    write_attr(root, "created_utc", meta.created_utc);
    write_attr(root, "command_line", meta.command_line);
    write_attr(root, "config", meta.config_ini);
    write_attr(root, "model", meta.model);
    write_attr_num<std::uint64_t>(root, "seed", meta.seed);
    write_attr_num<std::uint64_t>(root, "orgs_per_scenario", meta.orgs_per_scenario);
    write_attr_num<std::uint32_t>(root, "block_size", meta.block_size);
    write_attr(root, "baseline_mode", meta.baseline_mode);
    write_attr(root, "rng", meta.rng);
    write_attr(root, "results_identity", meta.identity);
    write_attr(root, "hdf5_version", meta.hdf5_version);
    write_attr(root, "compiler", meta.compiler);
    write_attr_num<std::int64_t>(root, "samples", meta.samples);
    write_attr_num<std::uint64_t>(root, "scenarios", meta.scenarios);
    for (const auto& [name, value] : meta.extra_attrs) write_attr(root, name, value);

    std::vector<std::string> metric_names, units, descriptions, better;
    for (const auto& m : meta.metrics) {
      metric_names.push_back(m.name);
      units.push_back(m.unit);
      descriptions.push_back(m.description);
      better.emplace_back(stats::better_name(m.better));
    }
    scenario_scale = scale(root, "scenario", "1", "scenario index", scenario_ids());
    mode_scale = scale(root, "mode", "1", meta.mode_description, meta.modes);
    metric_scale = scale(root, "metric", "1", "outcome metric", metric_names);

    H5::DataSet modes = write_strings(root, "modes", meta.modes);
    describe(modes, "1", meta.mode_description + "s simulated, in order (baseline_mode is one)");
    attach_scales(modes, {&mode_scale});
    H5::DataSet metrics = write_strings(root, "metrics", metric_names);
    describe(metrics, "1", "outcome metrics, in order");
    attach_scales(metrics, {&metric_scale});

    H5::Group info = root.createGroup("metrics_info");
    H5::DataSet u = write_strings(info, "unit", units);
    describe(u, "1", "unit of each metric");
    attach_scales(u, {&metric_scale});
    H5::DataSet d = write_strings(info, "description", descriptions);
    describe(d, "1", "one-line description of each metric");
    attach_scales(d, {&metric_scale});
    H5::DataSet b = write_strings(info, "better", better);
    describe(b, "1", kBetterDescription);
    attach_scales(b, {&metric_scale});

    if (!meta.shards.empty()) write_shard_provenance(root);

    H5::Group sc = root.createGroup("scenarios");
    write_attr(sc, "params", meta.sweep_params);
    H5::DataSet id = write_array(sc, "id", scenario_ids(), {S()});
    describe(id, "1", "scenario index: the first axis varies slowest");
    attach_scales(id, {&scenario_scale});
    for (std::size_t a = 0; a < meta.sweep_params.size(); ++a) {
      H5::DataSet ds = write_array(sc, param_links[a], meta.scenario_values[a], {S()});
      describe(ds, sweep_unit(a), "value of swept parameter " + meta.sweep_params[a]);
      write_attr(ds, "param", meta.sweep_params[a]);
      attach_scales(ds, {&scenario_scale});
    }
  }

  H5::DataSet record_dataset(H5::Group& g, const std::string& name, const H5::DataType& type,
                             hsize_t columns) {
    const bool two_d = columns > 0;
    std::vector<hsize_t> dims{0}, maxdims{H5S_UNLIMITED}, chunk{kRecordChunkRows};
    if (two_d) {
      dims.push_back(columns);
      maxdims.push_back(columns);
      chunk.push_back(columns);
    }
    H5::DataSpace space(static_cast<int>(dims.size()), dims.data(), maxdims.data());
    H5::DSetCreatPropList dcpl;
    dcpl.setChunk(static_cast<int>(chunk.size()), chunk.data());
    dcpl.setShuffle();
    dcpl.setDeflate(kDeflateLevel);
    return g.createDataSet(name, type, space, dcpl);
  }

  void create_records() {
    H5::Group root = file->openGroup("/");
    H5::Group orgs = root.createGroup("orgs");
    org_scale = record_dataset(orgs, "org", file_type<std::uint64_t>(), 0);
    describe(org_scale, "1", "organization index within its scenario (one row per record)");
    make_scale(org_scale, "org");
    rec_scenario = record_dataset(orgs, "scenario", file_type<std::uint64_t>(), 0);
    describe(rec_scenario, "1", "scenario index of the record");
    attach_scales(rec_scenario, {&org_scale});

    H5::Group params = orgs.createGroup("params");
    std::vector<std::string> names;
    for (const auto& f : meta.record_fields) names.push_back(f.name);
    write_attr(params, "fields", names);
    for (std::size_t p = 0; p < meta.record_fields.size(); ++p) {
      const auto& f = meta.record_fields[p];
      H5::DataSet ds = record_dataset(params, field_links[p], file_type<double>(), 0);
      describe(ds, f.unit, f.description);
      write_attr(ds, "field", f.name);
      attach_scales(ds, {&org_scale});
      rec_params.push_back(ds);
    }
    H5::Group metrics = orgs.createGroup("metrics");
    for (std::size_t k = 0; k < meta.metrics.size(); ++k) {
      const auto& m = meta.metrics[k];
      H5::DataSet ds = record_dataset(metrics, metric_links[k], file_type<double>(), M());
      describe(ds, m.unit, m.description + " (per organization and mode; NaN: undefined)");
      write_attr(ds, "metric", m.name);
      attach_scales(ds, {&org_scale, &mode_scale});
      rec_metrics.push_back(ds);
    }
    records = true;
  }

  static void append_rows(H5::DataSet& ds, hsize_t first, hsize_t n, const void* data,
                          const H5::DataType& mem, hsize_t columns) {
    std::vector<hsize_t> dims{first + n}, start{first}, count{n};
    if (columns > 0) {
      dims.push_back(columns);
      start.push_back(0);
      count.push_back(columns);
    }
    ds.extend(dims.data());
    H5::DataSpace fspace = ds.getSpace();
    fspace.selectHyperslab(H5S_SELECT_SET, count.data(), start.data());
    H5::DataSpace mspace(static_cast<int>(count.size()), count.data());
    ds.write(data, mem, mspace, fspace);
  }

  void append(const RecordBatch& b) {
    const std::size_t n = b.size();
    if (n == 0) return;
    if (!records) throw std::logic_error("results writer: append() but samples == 0");
    check_size("batch.org", b.org.size(), n);
    check_size("batch.params", b.params.size(), n * meta.record_fields.size());
    check_size("batch.metrics", b.metrics.size(), n * M() * K());
    // find_record() relies on strictly increasing (scenario, org) order.
    for (std::size_t i = 0; i < n; ++i) {
      const bool after = n_records == 0 && i == 0
                             ? true
                             : (b.scenario[i] > last_scenario ||
                                (b.scenario[i] == last_scenario && b.org[i] > last_org));
      if (!after || b.scenario[i] >= S()) {
        throw std::invalid_argument(
            "results writer: record (scenario " + std::to_string(b.scenario[i]) + ", org " +
            std::to_string(b.org[i]) + ") out of (scenario, org) order or range");
      }
      last_scenario = b.scenario[i];
      last_org = b.org[i];
    }
    const std::uint64_t batch_bytes = n * (16 + 8 * (meta.record_fields.size() + M() * K()));
    reserve(batch_bytes);
    raw_appended += batch_bytes;
    const hsize_t first = n_records;
    const hsize_t rows = n;
    append_rows(org_scale, first, rows, b.org.data(), mem_type<std::uint64_t>(), 0);
    append_rows(rec_scenario, first, rows, b.scenario.data(), mem_type<std::uint64_t>(), 0);
    const std::size_t P = meta.record_fields.size();
    for (std::size_t p = 0; p < P; ++p) {
      scratch.resize(n);
      for (std::size_t i = 0; i < n; ++i) scratch[i] = b.params[i * P + p];
      append_rows(rec_params[p], first, rows, scratch.data(), mem_type<double>(), 0);
    }
    const std::size_t m_count = M(), k_count = K();
    for (std::size_t k = 0; k < k_count; ++k) {
      scratch.resize(n * m_count);
      for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t m = 0; m < m_count; ++m) {
          scratch[i * m_count + m] = b.metrics[(i * m_count + m) * k_count + k];
        }
      }
      append_rows(rec_metrics[k], first, rows, scratch.data(), mem_type<double>(), m_count);
    }
    n_records += rows;
  }

  void write_summary(const stats::Summary& s) {
    if (summary_written) throw std::logic_error("results writer: write_summary() called twice");
    if (s.S != S() || s.M != M() || s.K != K()) {
      throw std::invalid_argument("results writer: summary shape [" + std::to_string(s.S) + ", " +
                                  std::to_string(s.M) + ", " + std::to_string(s.K) +
                                  "] does not match the run [" + std::to_string(S()) + ", " +
                                  std::to_string(M()) + ", " + std::to_string(K()) + "]");
    }
    check_size("quantile_levels", s.quantile_levels.size(), s.Q);
    check_size("quantiles", s.quantiles.size(), S() * M() * K() * s.Q);
    check_size("histograms", s.histograms.size(), K());
    std::uint64_t bytes = 8 * S() * M() * K() * (22 + s.Q);
    for (const auto& h : s.histograms)
      bytes += 8 * (S() * M() * (h.edges.size() + 1) + 2 * h.edges.size());
    reserve(bytes + (64 + 8 * K()) * 16 * 1024);  // + object headers and attributes
    H5::Group root = file->openGroup("/");

    H5::Group g = root.createGroup("summary");
    LocalScales ls = local_scales(g, true);
    smk(g, ls, "count", s.count, "organizations", "organizations where the metric is finite");
    smk(g, ls, "nan_count", s.nan_count, "organizations",
        "organizations where the metric is undefined (NaN)");
    smk(g, ls, "mean", s.mean, kPerMetricUnits, "mean over organizations");
    smk(g, ls, "std", s.std, kPerMetricUnits, "sample standard deviation (n - 1)");
    smk(g, ls, "sem", s.sem, kPerMetricUnits, "standard error of the mean");
    smk(g, ls, "min", s.min, kPerMetricUnits, "smallest finite value");
    smk(g, ls, "max", s.max, kPerMetricUnits, "largest finite value");
    H5::DataSet q = scale(g, "quantile", "1", "quantile level", s.quantile_levels);
    H5::DataSet ql = write_array(g, "quantile_levels", s.quantile_levels, {s.Q});
    describe(ql, "1", "quantile levels of /summary/quantiles");
    attach_scales(ql, {&q});
    H5::DataSet qs = write_array(g, "quantiles", s.quantiles, {S(), M(), K(), s.Q});
    describe(qs, kPerMetricUnits, "quantiles over organizations at quantile_levels");
    attach_scales(qs, {&ls.scenario, &ls.mode, &ls.metric, &q});
    if (!ls.coordinates.empty()) write_attr(qs, "coordinates", ls.coordinates);

    H5::Group pg = root.createGroup("paired");
    write_attr(pg, "baseline_mode", meta.baseline_mode);
    LocalScales lp = local_scales(pg, true);
    const std::string vs = " of mode - " + meta.baseline_mode + " per organization";
    smk(pg, lp, "count", s.paired_count, "organizations",
        "organizations where both the mode's and the baseline's metric are finite");
    smk(pg, lp, "mean", s.paired_mean, kPerMetricUnits, "mean difference" + vs);
    smk(pg, lp, "std", s.paired_std, kPerMetricUnits, "standard deviation of the difference" + vs);
    smk(pg, lp, "ci_low", s.paired_ci_low, kPerMetricUnits, "95% CI low of the mean difference");
    smk(pg, lp, "ci_high", s.paired_ci_high, kPerMetricUnits, "95% CI high of the mean difference");
    write_attr(pg, "win", kWinMeaning);
    smk(pg, lp, "win_rate", s.win_rate, "1",
        "share of organizations where the mode is better than the baseline in the metric's "
        "direction (/metrics_info/better): difference > 0 for higher, < 0 for lower; NaN for none");
    smk(pg, lp, "win_rate_ci_low", s.win_rate_ci_low, "1", "95% Wilson CI low of win_rate");
    smk(pg, lp, "win_rate_ci_high", s.win_rate_ci_high, "1", "95% Wilson CI high of win_rate");
    for (const char* name : {"win_rate", "win_rate_ci_low", "win_rate_ci_high"}) {
      H5::DataSet ds = pg.openDataSet(name);
      write_attr(ds, "nan_when", kWinRateNaN);
    }
    smk(pg, lp, "tie_rate", s.tie_rate, "1",
        "share of organizations where the difference == 0 (a tie is not a win), any direction");
    smk(pg, lp, "wins", s.wins, "organizations",
        "organizations where the mode is better than the baseline in the metric's direction "
        "(0 for none)");
    smk(pg, lp, "ties", s.ties, "organizations", "organizations where the difference == 0");
    smk(pg, lp, "greater", s.greater, "organizations",
        "organizations where the difference > 0, whatever the metric's direction");

    H5::Group hg = root.createGroup("histograms");
    for (std::size_t k = 0; k < K(); ++k) {
      const auto& m = meta.metrics[k];
      const auto& h = s.histograms[k];
      if (h.edges.size() < 2) {
        throw std::invalid_argument("results writer: histogram of " + m.name + " has no bins");
      }
      const hsize_t B = h.edges.size() - 1;
      check_size("histogram counts", h.counts.size(), S() * M() * B);
      check_size("histogram underflow", h.underflow.size(), S() * M());
      check_size("histogram overflow", h.overflow.size(), S() * M());
      H5::Group mg = hg.createGroup(metric_links[k]);
      write_attr(mg, "metric", m.name);
      write_attr(mg, "units", m.unit);
      write_attr(mg, "description", m.description);
      write_attr(mg, "better", stats::better_name(m.better));
      write_attr_num<double>(mg, "lo", m.lo);
      write_attr_num<double>(mg, "hi", m.hi);
      write_attr_num<std::int64_t>(mg, "bins", m.bins);
      write_attr_num<std::int64_t>(mg, "log_bins", m.log_bins ? 1 : 0);
      LocalScales lh = local_scales(mg, false);
      H5::DataSet edges = scale(mg, "edges", m.unit, "bin edges (B + 1)", h.edges);
      H5::DataSet bin =
          scale(mg, "bin", m.unit,
                std::string(m.log_bins ? "geometric" : "arithmetic") + " centre of each bin",
                bin_centres(h.edges, m.log_bins));
      H5::DataSet c = write_array(mg, "counts", h.counts, {S(), M(), B});
      describe(c, "organizations", "organizations per bin [edges[b], edges[b+1])");
      attach_scales(c, {&lh.scenario, &lh.mode, &bin});
      for (const auto* name : {"underflow", "overflow"}) {
        const bool under = std::strcmp(name, "underflow") == 0;
        H5::DataSet o = write_array(mg, name, under ? h.underflow : h.overflow, {S(), M()});
        describe(o, "organizations",
                 under ? "organizations below edges[0]" : "organizations at or above edges[B]");
        attach_scales(o, {&lh.scenario, &lh.mode});
        if (!lh.coordinates.empty()) write_attr(o, "coordinates", lh.coordinates);
      }
      if (!lh.coordinates.empty()) write_attr(c, "coordinates", lh.coordinates);
    }
    summary_written = true;
  }
};

ResultsWriter::ResultsWriter(const std::string& path, bool force, const ResultsMeta& meta)
    : impl_(std::make_unique<Impl>()) {
  quiet_hdf5();
  Impl& im = *impl_;
  im.path = path;
  im.meta = meta;
  im.meta.leadsim_version = version_string();
  im.meta.git_describe = git_describe();
  im.meta.created_utc = utc_now_iso8601();
  im.meta.hdf5_version = hdf5_version_string();
  im.meta.compiler = compiler_string();
  im.meta.format_version = kFormatVersion;
  im.validate_meta();
  std::vector<std::string> names;
  for (const auto& m : meta.metrics) names.push_back(m.name);
  im.metric_links = link_names(names, {});
  names.clear();
  for (const auto& f : meta.record_fields) names.push_back(f.name);
  im.field_links = link_names(names, {});
  im.param_links = link_names(meta.sweep_params, kReservedInScenarioGroups);

  im.safe.emplace(path, force);  // from here on the destructor removes the temporary file
  try {
    im.file.emplace(im.safe->temp_path(), H5F_ACC_TRUNC, H5::FileCreatPropList::DEFAULT,
                    file_access());
    // The header: attributes (configuration, command line), labels and scenario values.
    std::uint64_t header = (64u << 10) + meta.config_ini.size() + meta.command_line.size() +
                           16 * meta.scenarios * (meta.scenario_values.size() + 2);
    for (const auto& m : meta.metrics) header += 64 + m.name.size() + m.description.size();
    im.reserve(header);
    im.write_header();
    if (meta.samples != 0) im.create_records();
  } catch (const H5::Exception& e) {
    im.fail("creating the file", e);
  }
}

ResultsWriter::~ResultsWriter() = default;

void ResultsWriter::append(const RecordBatch& batch) {
  if (impl_->committed) throw std::logic_error("results writer: append() after commit()");
  try {
    impl_->append(batch);
  } catch (const H5::Exception& e) {
    impl_->fail("writing records", e);
  }
}

void ResultsWriter::write_summary(const stats::Summary& summary) {
  if (impl_->committed) throw std::logic_error("results writer: write_summary() after commit()");
  try {
    impl_->write_summary(summary);
  } catch (const H5::Exception& e) {
    impl_->fail("writing the summary", e);
  }
}

void ResultsWriter::commit() {
  Impl& im = *impl_;
  if (im.committed) return;
  if (!im.summary_written)
    throw std::logic_error("results writer: commit() before write_summary()");
  try {
    im.reserve(0);
    im.file->flush(H5F_SCOPE_GLOBAL);
  } catch (const H5::Exception& e) {
    im.fail("writing the file", e);
  }
  try {
    im.close_all();
  } catch (const H5::Exception& e) {
    im.fail("closing the file", e);
  }
  im.safe->commit();
  im.committed = true;
}

const std::string& ResultsWriter::temp_path() const {
  return impl_->safe->temp_path();
}

}  // namespace leadsim::io
