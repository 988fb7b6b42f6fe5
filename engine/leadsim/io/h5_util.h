// Small helpers over the HDF5 C++ API shared by the results writer and reader. Internal to
// the io module (no other module includes H5Cpp.h). Functions throw H5::Exception on HDF5
// failures; callers translate those into IoError/FormatError naming the file.
#pragma once

#include <H5Cpp.h>

#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

namespace leadsim::io::detail {

// Silences HDF5's automatic error printing (once per process); errors become exceptions.
void quiet_hdf5();

// A file-access property list that uses file locking but ignores it where the file system
// has locking disabled (HDF5 >= 1.10.7); HDF5_USE_FILE_LOCKING=FALSE still overrides it.
H5::FileAccPropList file_access();

// "H5Dwrite: No space left on device"-like text from an exception and the error stack.
std::string describe_h5_error(const H5::Exception& e);

// Called when HDF5 cannot open `path`: throws IoError saying so when the cause is another
// process holding the file open for writing (HDF5's file lock, e.g. h5py in mode 'r+'), which
// is not damage; returns otherwise.
void throw_if_locked(const std::string& path);

// Variable-length UTF-8 string type (h5py reads it as str).
H5::StrType utf8_vlen();

template <class T>
const H5::PredType& mem_type() {
  if constexpr (std::is_same_v<T, double>) {
    return H5::PredType::NATIVE_DOUBLE;
  } else if constexpr (std::is_same_v<T, std::uint64_t>) {
    return H5::PredType::NATIVE_UINT64;
  } else if constexpr (std::is_same_v<T, std::int64_t>) {
    return H5::PredType::NATIVE_INT64;
  } else {
    static_assert(std::is_same_v<T, std::uint32_t>, "unsupported element type");
    return H5::PredType::NATIVE_UINT32;
  }
}

template <class T>
const H5::PredType& file_type() {
  if constexpr (std::is_same_v<T, double>) {
    return H5::PredType::IEEE_F64LE;
  } else if constexpr (std::is_same_v<T, std::uint64_t>) {
    return H5::PredType::STD_U64LE;
  } else if constexpr (std::is_same_v<T, std::int64_t>) {
    return H5::PredType::STD_I64LE;
  } else {
    static_assert(std::is_same_v<T, std::uint32_t>, "unsupported element type");
    return H5::PredType::STD_U32LE;
  }
}

// Attributes.
void write_attr(H5::H5Object& obj, const std::string& name, const std::string& value);
void write_attr(H5::H5Object& obj, const std::string& name, const std::vector<std::string>& v);
template <class T>
void write_attr_num(H5::H5Object& obj, const std::string& name, T value) {
  H5::Attribute a = obj.createAttribute(name, file_type<T>(), H5::DataSpace(H5S_SCALAR));
  a.write(mem_type<T>(), &value);
}
// Sets the `units` and `description` attributes every dataset carries.
void describe(H5::H5Object& obj, const std::string& units, const std::string& description);

bool is_string_attr(const H5::Attribute& a);
// Reads a scalar string attribute (fixed or variable length). Throws H5::Exception.
std::string read_attr_string(const H5::H5Object& obj, const std::string& name);
std::vector<std::string> read_attr_strings(const H5::H5Object& obj, const std::string& name);
template <class T>
T read_attr_num(const H5::H5Object& obj, const std::string& name) {
  T v{};
  H5::Attribute a = obj.openAttribute(name);
  if (a.getSpace().getSimpleExtentNpoints() != 1) {
    throw H5::AttributeIException("read_attr_num", "attribute '" + name + "' is not a scalar");
  }
  a.read(mem_type<T>(), &v);
  return v;
}

// Datasets.
H5::DataSet write_strings(H5::Group& g, const std::string& name,
                          const std::vector<std::string>& values);
template <class T>
H5::DataSet write_array(H5::Group& g, const std::string& name, const std::vector<T>& values,
                        const std::vector<hsize_t>& dims) {
  H5::DataSpace space(static_cast<int>(dims.size()), dims.data());
  H5::DataSet ds = g.createDataSet(name, file_type<T>(), space);
  if (!values.empty()) ds.write(values.data(), mem_type<T>());
  return ds;
}
std::vector<hsize_t> shape_of(const H5::DataSet& ds);
std::vector<std::string> read_strings(const H5::DataSet& ds);
template <class T>
std::vector<T> read_all(const H5::DataSet& ds) {
  H5::DataSpace space = ds.getSpace();
  std::vector<T> out(static_cast<std::size_t>(space.getSimpleExtentNpoints()));
  if (!out.empty()) ds.read(out.data(), mem_type<T>());
  return out;
}
// Reads rows [first, first + n) of a dataset whose first dimension is the row.
template <class T>
std::vector<T> read_rows(const H5::DataSet& ds, hsize_t first, hsize_t n) {
  H5::DataSpace fspace = ds.getSpace();
  std::vector<hsize_t> dims = shape_of(ds);
  std::size_t per_row = 1;
  for (std::size_t i = 1; i < dims.size(); ++i) per_row *= static_cast<std::size_t>(dims[i]);
  std::vector<T> out(static_cast<std::size_t>(n) * per_row);
  if (out.empty()) return out;
  std::vector<hsize_t> start(dims.size(), 0), count = dims;
  start[0] = first;
  count[0] = n;
  fspace.selectHyperslab(H5S_SELECT_SET, count.data(), start.data());
  H5::DataSpace mspace(static_cast<int>(count.size()), count.data());
  ds.read(out.data(), mem_type<T>(), mspace, fspace);
  return out;
}

// Dimension scales (H5DS, from the high-level library).
void make_scale(H5::DataSet& ds, const std::string& dim_name);
void attach_scales(H5::DataSet& ds, const std::vector<const H5::DataSet*>& scales);

}  // namespace leadsim::io::detail
