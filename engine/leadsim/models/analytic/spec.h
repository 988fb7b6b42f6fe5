// What makes one analytic model (ishigami.cpp, sobol_g.cpp): its inputs, constants and
// function. model.cpp turns a Spec into a port::ModelFactory, Model and Simulator shared by
// both (analytic.h describes what they do and how they draw).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "leadsim/config/param.h"
#include "leadsim/port/model.h"

namespace leadsim::analytic::detail {

struct Spec {
  std::string name;         // "[run] model = NAME"
  std::string description;  // one line, for `leadsim params`
  std::uint32_t purpose;    // rng::tag purpose of the input streams (analytic.h)
  // The inputs (section org, ParamKind::kOrg, not integer), then the constants (section model,
  // ParamKind::kConstant): parameters [0, inputs) are the inputs x, [inputs, size) the
  // constants c, each in this order.
  std::vector<config::ParamDef> params;
  std::size_t inputs;
  std::string metric_description;  // of the metric y
  // y = f(x, c).
  double (*f)(std::span<const double> x, std::span<const double> c);
  // Bounds [lo, hi] of f over the box lo_x <= x <= hi_x for constants c: the histogram range
  // of y (the model widens it where lo == hi).
  std::pair<double, double> (*range)(std::span<const double> lo_x, std::span<const double> hi_x,
                                     std::span<const double> c);
};

// The factory of a model: spec is a static object that outlives it.
std::unique_ptr<port::ModelFactory> make_factory(const Spec& spec);

}  // namespace leadsim::analytic::detail
