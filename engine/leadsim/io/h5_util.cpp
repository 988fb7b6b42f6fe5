#include "leadsim/io/h5_util.h"

#include <fcntl.h>
#include <hdf5_hl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>

#include "leadsim/core/error.h"

namespace leadsim::io::detail {

void quiet_hdf5() {
  static std::once_flag once;
  std::call_once(once, [] { H5::Exception::dontPrint(); });
}

H5::FileAccPropList file_access() {
  H5::FileAccPropList fapl;
#if H5_VERSION_GE(1, 10, 7)
  // Network file systems without lock support make H5Fopen fail with locking on; ignore
  // locking there instead of failing (use_file_locking=1, ignore_when_disabled=1).
  if (H5Pset_file_locking(fapl.getId(), 1, 1) < 0) {
    throw H5::PropListIException("H5Pset_file_locking", "cannot set file locking");
  }
#endif
  return fapl;
}

namespace {

struct ErrorWalk {
  std::string innermost;
};

herr_t walk_error(unsigned /*n*/, const H5E_error2_t* err, void* data) {
  auto* walk = static_cast<ErrorWalk*>(data);
  // Walking downward, the last entry is the innermost cause (e.g. a failed write(2)).
  if (err != nullptr && err->desc != nullptr && err->desc[0] != '\0') {
    walk->innermost =
        std::string(err->func_name != nullptr ? err->func_name : "") + ": " + err->desc;
  }
  return 0;
}

}  // namespace

std::string describe_h5_error(const H5::Exception& e) {
  ErrorWalk walk;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, walk_error, &walk);
  std::string text = e.getFuncName();
  const std::string detail = e.getDetailMsg();
  if (!detail.empty()) text += (text.empty() ? "" : ": ") + detail;
  if (!walk.innermost.empty()) text += " (" + walk.innermost + ")";
  H5Eclear2(H5E_DEFAULT);
  return text;
}

void throw_if_locked(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  const bool locked = ::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  ::close(fd);
  if (locked) {
    throw IoError("'" + path + "' is locked by another program that has it open for writing " +
                  "(HDF5 file locking, e.g. h5py in mode 'r+' or 'a'); the file is not damaged: " +
                  "close it there and retry");
  }
}

H5::StrType utf8_vlen() {
  H5::StrType st(H5::PredType::C_S1, H5T_VARIABLE);
  st.setCset(H5T_CSET_UTF8);
  return st;
}

void write_attr(H5::H5Object& obj, const std::string& name, const std::string& value) {
  H5::StrType st = utf8_vlen();
  H5::Attribute a = obj.createAttribute(name, st, H5::DataSpace(H5S_SCALAR));
  a.write(st, value);
}

void write_attr(H5::H5Object& obj, const std::string& name, const std::vector<std::string>& v) {
  H5::StrType st = utf8_vlen();
  if (v.empty()) {
    obj.createAttribute(name, st, H5::DataSpace(H5S_NULL));
    return;
  }
  const hsize_t n = v.size();
  H5::Attribute a = obj.createAttribute(name, st, H5::DataSpace(1, &n));
  std::vector<const char*> ptrs;
  ptrs.reserve(v.size());
  for (const auto& s : v) ptrs.push_back(s.c_str());
  a.write(st, ptrs.data());
}

void describe(H5::H5Object& obj, const std::string& units, const std::string& description) {
  write_attr(obj, "units", units);
  write_attr(obj, "description", description);
}

bool is_string_attr(const H5::Attribute& a) {
  return a.getTypeClass() == H5T_STRING;
}

std::string read_attr_string(const H5::H5Object& obj, const std::string& name) {
  H5::Attribute a = obj.openAttribute(name);
  if (!is_string_attr(a) || a.getSpace().getSimpleExtentNpoints() != 1) {
    throw H5::AttributeIException("read_attr_string",
                                  "attribute '" + name + "' is not a scalar string");
  }
  std::string out;
  H5::StrType t = a.getStrType();
  // Read with the file's own string type: HDF5 does not convert between ASCII and UTF-8.
  if (t.isVariableStr()) {
    a.read(t, out);
  } else {
    a.read(t, out);
    out = std::string(out.c_str());  // drop NUL padding
  }
  return out;
}

namespace {

std::vector<std::string> read_string_buffer(const H5::StrType& ftype, hsize_t n,
                                            const auto& read_fn) {
  std::vector<std::string> out;
  out.reserve(static_cast<std::size_t>(n));
  if (n == 0) return out;
  if (ftype.isVariableStr()) {
    const H5::StrType& mt = ftype;
    std::vector<char*> buf(static_cast<std::size_t>(n), nullptr);
    read_fn(mt, static_cast<void*>(buf.data()));
    for (char* p : buf) out.emplace_back(p != nullptr ? p : "");
    const hsize_t dims = n;
    H5::DataSpace space(1, &dims);
    H5Dvlen_reclaim(mt.getId(), space.getId(), H5P_DEFAULT, buf.data());
  } else {
    const std::size_t len = ftype.getSize();
    std::vector<char> buf(static_cast<std::size_t>(n) * len, '\0');
    read_fn(ftype, static_cast<void*>(buf.data()));
    for (std::size_t i = 0; i < n; ++i) {
      const char* p = buf.data() + i * len;
      out.emplace_back(p, strnlen(p, len));
    }
  }
  return out;
}

}  // namespace

std::vector<std::string> read_attr_strings(const H5::H5Object& obj, const std::string& name) {
  H5::Attribute a = obj.openAttribute(name);
  if (!is_string_attr(a)) {
    throw H5::AttributeIException("read_attr_strings", "attribute '" + name + "' is not text");
  }
  H5::DataSpace space = a.getSpace();
  if (space.getSimpleExtentType() == H5S_NULL) return {};
  const auto n = static_cast<hsize_t>(space.getSimpleExtentNpoints());
  return read_string_buffer(a.getStrType(), n,
                            [&](const H5::DataType& mt, void* buf) { a.read(mt, buf); });
}

H5::DataSet write_strings(H5::Group& g, const std::string& name,
                          const std::vector<std::string>& values) {
  H5::StrType st = utf8_vlen();
  const hsize_t n = values.size();
  H5::DataSpace space(1, &n);
  H5::DataSet ds = g.createDataSet(name, st, space);
  if (!values.empty()) {
    std::vector<const char*> ptrs;
    ptrs.reserve(values.size());
    for (const auto& s : values) ptrs.push_back(s.c_str());
    ds.write(ptrs.data(), st);
  }
  return ds;
}

std::vector<hsize_t> shape_of(const H5::DataSet& ds) {
  H5::DataSpace space = ds.getSpace();
  const int rank = space.getSimpleExtentNdims();
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  if (rank > 0) space.getSimpleExtentDims(dims.data());
  return dims;
}

std::vector<std::string> read_strings(const H5::DataSet& ds) {
  if (ds.getTypeClass() != H5T_STRING) {
    throw H5::DataSetIException("read_strings", "dataset is not text");
  }
  const auto n = static_cast<hsize_t>(ds.getSpace().getSimpleExtentNpoints());
  return read_string_buffer(ds.getStrType(), n,
                            [&](const H5::DataType& mt, void* buf) { ds.read(buf, mt); });
}

void make_scale(H5::DataSet& ds, const std::string& dim_name) {
  if (H5DSset_scale(ds.getId(), dim_name.c_str()) < 0) {
    throw H5::DataSetIException("H5DSset_scale", "cannot make '" + dim_name + "' a scale");
  }
}

void attach_scales(H5::DataSet& ds, const std::vector<const H5::DataSet*>& scales) {
  for (std::size_t i = 0; i < scales.size(); ++i) {
    if (H5DSattach_scale(ds.getId(), scales[i]->getId(), static_cast<unsigned>(i)) < 0) {
      throw H5::DataSetIException("H5DSattach_scale", "cannot attach a dimension scale");
    }
  }
}

}  // namespace leadsim::io::detail
