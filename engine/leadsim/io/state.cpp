#include "leadsim/io/state.h"

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <system_error>

#include "leadsim/core/error.h"
#include "leadsim/io/h5_util.h"

namespace leadsim::io {

namespace fs = std::filesystem;
using namespace detail;

namespace {

const char* const kStateAttrs[] = {"shard_index", "shard_count", "item_first", "item_end",
                                   "items_total"};

std::string in_quotes(const std::string& s) {
  return "'" + s + "'";
}

}  // namespace

void write_state(const std::string& path, const ResultsState& state) {
  quiet_hdf5();
  try {
    H5::H5File file(path, H5F_ACC_RDWR, H5::FileCreatPropList::DEFAULT, file_access());
    H5::Group root = file.openGroup("/");
    for (const char* name : kStateAttrs) {
      if (root.attrExists(name)) {
        throw std::invalid_argument(path + ": attribute " + name + " already exists");
      }
    }
    write_attr_num<std::uint64_t>(root, "shard_index", state.shard_index);
    write_attr_num<std::uint64_t>(root, "shard_count", state.shard_count);
    write_attr_num<std::uint64_t>(root, "item_first", state.item_first);
    write_attr_num<std::uint64_t>(root, "item_end", state.item_end);
    write_attr_num<std::uint64_t>(root, "items_total", state.items_total);
    if (!state.missing_items.empty()) {
      std::vector<std::uint64_t> flat;
      for (const auto& [a, b] : state.missing_items) {
        flat.push_back(a);
        flat.push_back(b);
      }
      const hsize_t dims[2] = {state.missing_items.size(), 2};
      H5::Attribute a =
          root.createAttribute("missing_items", file_type<std::uint64_t>(), H5::DataSpace(2, dims));
      a.write(mem_type<std::uint64_t>(), flat.data());
    }
    H5::Group g = root.createGroup("state");
    const hsize_t n = state.run_stats.size();
    H5::DataSet ds = g.createDataSet("run_stats", H5::PredType::STD_U8LE, H5::DataSpace(1, &n));
    if (n > 0) ds.write(state.run_stats.data(), H5::PredType::NATIVE_UINT8);
    describe(ds, "1",
             "exact statistics state of this file's organizations (leadsim RunStats "
             "serialization, format LSRS); used by leadsim merge");
    ds.close();
    g.close();
    root.close();
    file.close();
  } catch (const H5::Exception& e) {
    throw IoError(in_quotes(path) +
                  ": HDF5 error while writing the state: " + describe_h5_error(e));
  }
}

ResultsState read_state(const std::string& path) {
  quiet_hdf5();
  std::error_code ec;
  if (!fs::exists(path, ec)) throw IoError(in_quotes(path) + " does not exist");
  ResultsState st;
  try {
    H5::H5File file(path, H5F_ACC_RDONLY, H5::FileCreatPropList::DEFAULT, file_access());
    H5::Group root = file.openGroup("/");
    for (const char* name : kStateAttrs) {
      if (!root.attrExists(name)) {
        throw FormatError(path + ": missing attribute " + name +
                          " (written by a leadsim without shard state?)");
      }
    }
    st.shard_index = read_attr_num<std::uint64_t>(root, "shard_index");
    st.shard_count = read_attr_num<std::uint64_t>(root, "shard_count");
    st.item_first = read_attr_num<std::uint64_t>(root, "item_first");
    st.item_end = read_attr_num<std::uint64_t>(root, "item_end");
    st.items_total = read_attr_num<std::uint64_t>(root, "items_total");
    if (st.item_first > st.item_end || st.item_end > st.items_total) {
      throw FormatError(path + ": item range [" + std::to_string(st.item_first) + ", " +
                        std::to_string(st.item_end) + ") is not within the " +
                        std::to_string(st.items_total) + " work items");
    }
    if (root.attrExists("missing_items")) {
      H5::Attribute a = root.openAttribute("missing_items");
      H5::DataSpace space = a.getSpace();
      hsize_t dims[2] = {0, 0};
      if (space.getSimpleExtentNdims() == 2) space.getSimpleExtentDims(dims);
      if (dims[1] != 2) {
        throw FormatError(path + ": attribute missing_items is not an [r, 2] array");
      }
      std::vector<std::uint64_t> flat(static_cast<std::size_t>(dims[0] * 2));
      if (!flat.empty()) a.read(mem_type<std::uint64_t>(), flat.data());
      for (std::size_t i = 0; i < flat.size(); i += 2) {
        st.missing_items.emplace_back(flat[i], flat[i + 1]);
      }
    }
    if (!file.nameExists("/state") || !file.nameExists("/state/run_stats")) {
      throw FormatError(path + ": missing dataset /state/run_stats");
    }
    H5::DataSet ds = file.openDataSet("/state/run_stats");
    const std::vector<hsize_t> shape = shape_of(ds);
    if (shape.size() != 1) throw FormatError(path + ": /state/run_stats is not one-dimensional");
    st.run_stats.resize(static_cast<std::size_t>(shape[0]));
    if (!st.run_stats.empty()) ds.read(st.run_stats.data(), H5::PredType::NATIVE_UINT8);
  } catch (const H5::Exception& e) {
    const std::string why = describe_h5_error(e);
    throw_if_locked(path);
    throw FormatError(path + ": unreadable state (truncated or damaged?): " + why);
  }
  return st;
}

}  // namespace leadsim::io
