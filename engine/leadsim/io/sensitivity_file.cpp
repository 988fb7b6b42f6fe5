#include "leadsim/io/sensitivity_file.h"

#include <filesystem>
#include <stdexcept>
#include <system_error>

#include "leadsim/core/error.h"
#include "leadsim/io/h5_util.h"

namespace leadsim::io {

namespace fs = std::filesystem;
using namespace detail;

namespace {

std::string in_quotes(const std::string& s) {
  return "'" + s + "'";
}

struct Array {
  const char* name;
  const char* units;
  const char* description;
};

// The [S, O, F] arrays in file order.
const Array kIndexArrays[] = {
    {"first_order", "1",
     "first-order Sobol' index: the share of the output's variance due to "
     "the factor alone"},
    {"total", "1",
     "total Sobol' index: the share of the output's variance that involves the "
     "factor (alone or in interaction)"},
    {"first_order_ci_low", "1", "lower end of the bootstrap interval of first_order"},
    {"first_order_ci_high", "1", "upper end of the bootstrap interval of first_order"},
    {"total_ci_low", "1", "lower end of the bootstrap interval of total"},
    {"total_ci_high", "1", "upper end of the bootstrap interval of total"},
};

// The [S, O, F] arrays of t in kIndexArrays' order (const or not, as t).
template <class Tables>
auto& index_array(Tables& t, std::size_t i) {
  switch (i) {
    case 0:
      return t.first;
    case 1:
      return t.total;
    case 2:
      return t.first_low;
    case 3:
      return t.first_high;
    case 4:
      return t.total_low;
    default:
      return t.total_high;
  }
}

}  // namespace

void write_sensitivity(const std::string& path, const SensitivityTables& t) {
  const std::size_t S = t.scenarios, O = t.outputs.size(), F = t.factors.size();
  for (std::size_t i = 0; i < std::size(kIndexArrays); ++i) {
    if (index_array(t, i).size() != S * O * F) {
      throw std::invalid_argument(std::string("write_sensitivity: ") + kIndexArrays[i].name +
                                  " is not [S, O, F]");
    }
  }
  if (t.mean.size() != S * O || t.variance.size() != S * O || t.sum_first.size() != S * O ||
      t.sum_total.size() != S * O || t.used.size() != S * O || t.output_units.size() != O) {
    throw std::invalid_argument("write_sensitivity: a per-output array is not [S, O]");
  }
  quiet_hdf5();
  try {
    H5::H5File file(path, H5F_ACC_RDWR, H5::FileCreatPropList::DEFAULT, file_access());
    if (file.nameExists("sensitivity")) {
      throw std::invalid_argument(path + ": /sensitivity already exists");
    }
    H5::Group g = file.createGroup("sensitivity");
    write_attr(g, "method", t.method);
    write_attr(g, "estimators", t.estimators);
    write_attr_num<std::uint64_t>(g, "base_samples", t.base_samples);
    write_attr_num<std::uint32_t>(g, "bootstrap_resamples", t.bootstrap);
    write_attr_num<double>(g, "confidence_level", t.confidence);
    write_attr(g, "noise_factor", t.noise ? std::string("noise") : std::string());
    write_attr(g, "description",
               "Sobol' indices of each output (per scenario) with respect to each factor; "
               "docs/SENSITIVITY.md");
    // Group-local dimension scales, so that xarray labels the arrays.
    std::vector<std::uint64_t> ids(S);
    for (std::uint64_t s = 0; s < S; ++s) ids[s] = s;
    H5::DataSet scenario = write_array(g, "scenario", ids, {S});
    describe(scenario, "1", "scenario index (row of /scenarios)");
    make_scale(scenario, "scenario");
    H5::DataSet output = write_strings(g, "output", t.outputs);
    describe(output, "1",
             "output: MODE/METRIC, or delta/MODE/METRIC (the paired difference "
             "against the baseline mode)");
    make_scale(output, "output");
    H5::DataSet factor = write_strings(g, "factor", t.factors);
    describe(factor, "1",
             t.noise ? "factor (parameter name); 'noise' is the simulation's own "
                       "randomness and every factor not analysed"
                     : "factor (parameter name)");
    make_scale(factor, "factor");
    H5::DataSet units = write_strings(g, "output_units", t.output_units);
    describe(units, "1", "unit of each output");
    attach_scales(units, {&output});
    for (std::size_t i = 0; i < std::size(kIndexArrays); ++i) {
      H5::DataSet ds = write_array(g, kIndexArrays[i].name, index_array(t, i), {S, O, F});
      describe(ds, kIndexArrays[i].units, kIndexArrays[i].description);
      attach_scales(ds, {&scenario, &output, &factor});
    }
    const struct {
      const char* name;
      const std::vector<double>* v;
      const char* description;
    } per_output[] = {
        {"mean", &t.mean, "mean of the output over the A and B design points used"},
        {"variance", &t.variance, "variance of the output over the A and B design points used"},
        {"sum_first_order", &t.sum_first,
         "sum of first_order over every factor (at most 1 up to estimation error; 1 when the "
         "output is additive)"},
        {"sum_total", &t.sum_total,
         "sum of total over every factor (at least 1 up to estimation error; more when "
         "factors interact)"},
    };
    for (const auto& p : per_output) {
      H5::DataSet ds = write_array(g, p.name, *p.v, {S, O});
      const std::string name = p.name;
      describe(ds,
               name == "mean"       ? "unit of the output (output_units)"
               : name == "variance" ? "square of the unit of the output (output_units)"
                                    : "1",
               p.description);
      attach_scales(ds, {&scenario, &output});
    }
    H5::DataSet used = write_array(g, "base_samples_used", t.used, {S, O});
    describe(used, "base samples",
             "base samples whose output was finite at every design point (the others are left "
             "out of that output's estimates)");
    attach_scales(used, {&scenario, &output});
  } catch (const H5::Exception& e) {
    throw IoError(in_quotes(path) +
                  ": HDF5 error while writing /sensitivity: " + describe_h5_error(e));
  }
}

std::optional<SensitivityTables> read_sensitivity(const std::string& path) {
  quiet_hdf5();
  std::error_code ec;
  if (!fs::exists(path, ec)) throw IoError(in_quotes(path) + " does not exist");
  try {
    H5::H5File file(path, H5F_ACC_RDONLY, H5::FileCreatPropList::DEFAULT, file_access());
    if (!file.nameExists("sensitivity")) return std::nullopt;
    H5::Group g = file.openGroup("sensitivity");
    SensitivityTables t;
    t.method = read_attr_string(g, "method");
    t.estimators = read_attr_string(g, "estimators");
    t.base_samples = read_attr_num<std::uint64_t>(g, "base_samples");
    t.bootstrap = read_attr_num<std::uint32_t>(g, "bootstrap_resamples");
    t.confidence = read_attr_num<double>(g, "confidence_level");
    t.noise = !read_attr_string(g, "noise_factor").empty();
    t.factors = read_strings(g.openDataSet("factor"));
    t.outputs = read_strings(g.openDataSet("output"));
    t.output_units = read_strings(g.openDataSet("output_units"));
    t.scenarios = read_all<std::uint64_t>(g.openDataSet("scenario")).size();
    const std::size_t S = t.scenarios, O = t.outputs.size(), F = t.factors.size();
    for (std::size_t i = 0; i < std::size(kIndexArrays); ++i) {
      index_array(t, i) = read_all<double>(g.openDataSet(kIndexArrays[i].name));
      if (index_array(t, i).size() != S * O * F) {
        throw FormatError(path + ": /sensitivity/" + kIndexArrays[i].name +
                          " is not [scenario, output, factor]");
      }
    }
    t.mean = read_all<double>(g.openDataSet("mean"));
    t.variance = read_all<double>(g.openDataSet("variance"));
    t.sum_first = read_all<double>(g.openDataSet("sum_first_order"));
    t.sum_total = read_all<double>(g.openDataSet("sum_total"));
    t.used = read_all<std::uint64_t>(g.openDataSet("base_samples_used"));
    if (t.mean.size() != S * O || t.used.size() != S * O || t.output_units.size() != O) {
      throw FormatError(path + ": /sensitivity per-output arrays are not [scenario, output]");
    }
    return t;
  } catch (const H5::Exception& e) {
    throw FormatError(path + ": cannot read /sensitivity: " + describe_h5_error(e));
  }
}

}  // namespace leadsim::io
