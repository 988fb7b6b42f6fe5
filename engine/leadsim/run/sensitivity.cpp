#include "leadsim/run/sensitivity.h"

#include <algorithm>
#include <exception>
#include <limits>
#include <stdexcept>
#include <thread>

#include "leadsim/core/error.h"
#include "leadsim/io/results.h"
#include "leadsim/stats/sobol.h"

namespace leadsim::run {
namespace {

using port::FieldDef;
using port::OrgOutcome;

const char* const kEstimators =
    "first order: Saltelli et al. (2010), mean of f(B)(f(A_B^(i)) - f(A)) / V; total: Jansen "
    "(1999), mean of (f(A) - f(A_B^(i)))^2 / (2V); V the variance of the f(A) and f(B) values; "
    "values centred on their mean; noise factor: f(B)(f(A) - f(A_noise)) and "
    "(f(A) - f(A_noise))^2";

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + v[i];
  return out;
}

// "PREFIX" "MODE/METRIC".
std::string output_name(const char* prefix, const std::string& mode, const std::string& metric) {
  std::string out = prefix;
  out += mode;
  out += '/';
  out += metric;
  return out;
}

std::size_t find_name(const std::vector<std::string>& names, const std::string& name) {
  return static_cast<std::size_t>(std::find(names.begin(), names.end(), name) - names.begin());
}

// Evaluates the design points of a base sample with the inner model's simulator.
class SaltelliSimulator : public port::Simulator {
 public:
  SaltelliSimulator(const port::Model& inner, const SensitivityLayout& layout)
      : inner_(inner.make_simulator()),
        layout_(layout),
        a_(layout.model_factors.size()),
        b_(layout.model_factors.size()),
        c_(layout.model_factors.size()),
        x_(layout.model_factors.size()) {}

  void simulate(std::uint64_t scenario, std::uint64_t j, OrgOutcome& out,
                port::TraceSink* trace) override {
    const SensitivityLayout& L = layout_;
    inner_->draw_factors(scenario, j, 0, a_);
    inner_->draw_factors(scenario, j, 1, b_);
    // The record is point A's: a trace (replay --trace) is of point A too.
    inner_->simulate_at(scenario, a_, j, point_, trace);
    out.params.assign(point_.params.begin(), point_.params.end());
    out.metrics = point_.metrics;
    out.events = point_.events;
    out.rng_blocks = point_.rng_blocks;
    out.params.insert(out.params.end(), b_.begin(), b_.end());
    out.params.resize(L.field(L.points(), 0), std::numeric_limits<double>::quiet_NaN());
    // Point B: the analysed factors from B, the others (part of the noise) from A.
    x_ = a_;
    for (const std::size_t q : L.factor_pos) x_[q] = b_[q];
    evaluate(scenario, x_, j, 1, out);
    // Points A_B^(i).
    for (std::size_t i = 0; i < L.factor_pos.size(); ++i) {
      x_ = a_;
      x_[L.factor_pos[i]] = b_[L.factor_pos[i]];
      evaluate(scenario, x_, j, 2 + i, out);
    }
    // A with the noise redrawn: the analysed factors from A, the others drawn anew.
    if (L.noise) {
      inner_->draw_factors(scenario, j, 2, c_);
      x_ = c_;
      for (const std::size_t q : L.factor_pos) x_[q] = a_[q];
      evaluate(scenario, x_, redrawn_noise(j), L.points() - 1, out);
    }
  }

 private:
  void evaluate(std::uint64_t scenario, const std::vector<double>& x, std::uint64_t noise,
                std::size_t p, OrgOutcome& out) {
    const SensitivityLayout& L = layout_;
    inner_->simulate_at(scenario, x, noise, point_);
    for (std::size_t r = 0; r < L.raw.size(); ++r) {
      out.params[L.field(p, r)] = point_.metrics[L.raw[r].first * L.metrics + L.raw[r].second];
    }
    out.events += point_.events;
    out.rng_blocks += point_.rng_blocks;
  }

  std::unique_ptr<port::Simulator> inner_;
  const SensitivityLayout& layout_;
  std::vector<double> a_, b_, c_, x_;
  OrgOutcome point_;
};

class SaltelliModel : public port::Model {
 public:
  SaltelliModel(std::unique_ptr<port::Model> inner, SensitivityLayout layout)
      : inner_(std::move(inner)), layout_(std::move(layout)) {
    fields_ = inner_->record_fields();
    for (const auto& f : layout_.model_factors) {
      fields_.push_back({"B:" + f, "as " + f, "value of factor " + f + " in sample matrix B"});
    }
    const auto& metrics = inner_->metrics();
    const auto& modes = inner_->variants();
    for (std::size_t p = 1; p < layout_.points(); ++p) {
      const std::string point = layout_.point_name(p);
      for (const auto& [v, k] : layout_.raw) {
        fields_.push_back({point + ":" + modes[v] + ":" + metrics[k].name, metrics[k].unit,
                           metrics[k].name + " under " + modes[v] + " at design point " + point});
      }
    }
  }
  const std::vector<port::MetricDef>& metrics() const override { return inner_->metrics(); }
  const std::vector<std::string>& variants() const override { return inner_->variants(); }
  const std::vector<FieldDef>& record_fields() const override { return fields_; }
  std::unique_ptr<port::Simulator> make_simulator() const override {
    return std::make_unique<SaltelliSimulator>(*inner_, layout_);
  }
  std::string variant_noun() const override { return inner_->variant_noun(); }
  std::string baseline() const override { return inner_->baseline(); }
  std::string event_unit() const override { return inner_->event_unit(); }
  std::uint32_t results_version() const override { return inner_->results_version(); }
  const SensitivityLayout& layout() const { return layout_; }

 private:
  std::unique_ptr<port::Model> inner_;
  SensitivityLayout layout_;
  std::vector<FieldDef> fields_;
};

}  // namespace

std::string SensitivityLayout::point_name(std::size_t p) const {
  if (p == 0) return "A";
  if (p == 1) return "B";
  if (p - 2 < factors.size()) return "A_B(" + factors[p - 2] + ")";
  return "A_noise";
}

std::size_t SensitivityLayout::raw_index(std::size_t mode, std::size_t metric) const {
  for (std::size_t r = 0; r < raw.size(); ++r) {
    if (raw[r].first == mode && raw[r].second == metric) return r;
  }
  throw std::logic_error("sensitivity layout: output not stored");
}

SensitivityLayout sensitivity_layout(const port::Model& inner, const config::ResolvedConfig& cfg) {
  const config::SensitivitySpec& spec = cfg.sensitivity;
  SensitivityLayout L;
  L.model_factors = inner.factors();
  if (L.model_factors.empty()) {
    throw ConfigError(
        "[sensitivity]: this configuration draws no factor per organization; give [org] "
        "parameters (or drawable [model] constants) a distribution");
  }
  L.factors = spec.factors.empty() ? L.model_factors : spec.factors;
  for (const auto& f : L.factors) {
    const std::size_t q = find_name(L.model_factors, f);
    if (q == L.model_factors.size()) {
      throw ConfigError("sensitivity.factors: '" + f +
                        "' is not a factor of this configuration (its factors, the parameters "
                        "given a distribution: " +
                        join(L.model_factors) + ")");
    }
    L.factor_pos.push_back(q);
  }
  L.noise = inner.stochastic() || L.factors.size() < L.model_factors.size();
  L.inner_fields = inner.record_fields().size();
  const auto& modes = inner.variants();
  const auto& metrics = inner.metrics();
  L.modes = modes.size();
  L.metrics = metrics.size();
  L.baseline = find_name(modes, inner.baseline());
  std::vector<std::string> metric_names;
  metric_names.reserve(metrics.size());
  for (const auto& m : metrics) metric_names.push_back(m.name);
  std::vector<std::string> names = spec.outputs;
  if (names.empty()) {
    for (const auto& v : modes) {
      for (const auto& m : metric_names) names.push_back(output_name("", v, m));
    }
    for (const auto& v : modes) {
      if (v == inner.baseline()) continue;
      for (const auto& m : metric_names) names.push_back(output_name("delta/", v, m));
    }
  }
  for (const auto& name : names) {
    SensitivityLayout::Output o;
    o.name = name;
    std::string rest = name;
    if (rest.rfind("delta/", 0) == 0) {
      o.delta = true;
      rest = rest.substr(6);
    }
    const auto slash = rest.find('/');
    const std::string mode = rest.substr(0, slash);
    const std::string metric = slash == std::string::npos ? std::string() : rest.substr(slash + 1);
    o.mode = find_name(modes, mode);
    o.metric = find_name(metric_names, metric);
    if (slash == std::string::npos || o.mode == modes.size() || o.metric == metrics.size()) {
      throw ConfigError("sensitivity.outputs: '" + name +
                        "' is not MODE/METRIC or delta/MODE/METRIC (modes: " + join(modes) +
                        "; metrics: " + join(metric_names) + ")");
    }
    if (o.delta && o.mode == L.baseline) {
      std::string msg = "sensitivity.outputs: '" + name + "': ";
      msg += mode;
      msg += " is the baseline; its paired difference is 0";
      throw ConfigError(msg);
    }
    o.unit = metrics[o.metric].unit;
    L.outputs.push_back(o);
    const auto add_raw = [&L](std::size_t v, std::size_t k) {
      if (std::find(L.raw.begin(), L.raw.end(), std::pair{v, k}) == L.raw.end()) {
        L.raw.emplace_back(v, k);
      }
    };
    add_raw(o.mode, o.metric);
    if (o.delta) add_raw(L.baseline, o.metric);
  }
  return L;
}

std::unique_ptr<port::Model> sensitivity_model(std::unique_ptr<port::Model> inner,
                                               const config::ResolvedConfig& cfg) {
  if (!cfg.sensitivity.enabled) return inner;
  SensitivityLayout layout = sensitivity_layout(*inner, cfg);
  return std::make_unique<SaltelliModel>(std::move(inner), std::move(layout));
}

const SensitivityLayout* layout_of(const port::Model& model) {
  const auto* s = dynamic_cast<const SaltelliModel*>(&model);
  return s == nullptr ? nullptr : &s->layout();
}

io::SensitivityTables compute_sensitivity(const std::string& path, const SensitivityLayout& L,
                                          const config::ResolvedConfig& cfg, unsigned threads) {
  const io::ResultsReader reader(path);
  const io::ResultsMeta& meta = reader.meta();
  const std::size_t S = meta.scenarios, N = meta.orgs_per_scenario, P = L.points();
  const std::size_t O = L.outputs.size(), k = L.factors.size(), F = k + (L.noise ? 1 : 0);
  const std::size_t fields = meta.record_fields.size(), MK = L.modes * L.metrics;
  if (reader.record_count() != S * N || fields != L.field(P, 0)) {
    throw FormatError(path + ": the records of a sensitivity study are incomplete (" +
                      std::to_string(reader.record_count()) + " of " + std::to_string(S * N) + ")");
  }
  io::SensitivityTables t;
  t.method = cfg.sensitivity.method;
  t.estimators = kEstimators;
  t.base_samples = N;
  t.bootstrap = cfg.sensitivity.bootstrap;
  t.confidence = cfg.sensitivity.confidence;
  t.noise = L.noise;
  t.factors = L.factors;
  if (L.noise) t.factors.emplace_back("noise");
  for (const auto& o : L.outputs) {
    t.outputs.push_back(o.name);
    t.output_units.push_back(o.unit);
  }
  t.scenarios = S;
  for (auto* v : {&t.first, &t.total, &t.first_low, &t.first_high, &t.total_low, &t.total_high}) {
    v->assign(S * O * F, 0.0);
  }
  for (auto* v : {&t.mean, &t.variance, &t.sum_first, &t.sum_total}) v->assign(S * O, 0.0);
  t.used.assign(S * O, 0);

  // Outputs are independent: worker w takes outputs w, w + T, ... (plain threads, joined, so
  // that every write is visible to this thread by the join).
  const std::size_t T = std::min<std::size_t>(
      std::max<std::size_t>(O, 1),
      threads == 0 ? std::max(1u, std::thread::hardware_concurrency()) : threads);
  std::vector<double> values(O * N * P);  // per output, [N, P]
  constexpr std::uint64_t kBatch = 4096;
  for (std::size_t s = 0; s < S; ++s) {
    // The scenario's records, in base-sample order: each output's value at each point.
    for (std::uint64_t first = 0; first < N; first += kBatch) {
      const std::uint64_t n = std::min<std::uint64_t>(kBatch, N - first);
      const io::RecordBatch b = reader.read_records(s * N + first, n);
      for (std::uint64_t r = 0; r < n; ++r) {
        const double* par = b.params.data() + r * fields;
        const double* met = b.metrics.data() + r * MK;
        for (std::size_t o = 0; o < O; ++o) {
          const auto& out = L.outputs[o];
          double* v = values.data() + (o * N + first + r) * P;
          const std::size_t rm = L.raw_index(out.mode, out.metric);
          const std::size_t rb = out.delta ? L.raw_index(L.baseline, out.metric) : 0;
          v[0] = met[out.mode * L.metrics + out.metric];
          if (out.delta) v[0] -= met[L.baseline * L.metrics + out.metric];
          for (std::size_t p = 1; p < P; ++p) {
            v[p] = par[L.field(p, rm)];
            if (out.delta) v[p] -= par[L.field(p, rb)];
          }
        }
      }
    }
    const auto one = [&](std::size_t o) {
      const stats::SobolIndices x = stats::sobol_indices(
          {std::span<const double>(values.data() + o * N * P, N * P), N, k, L.noise},
          {cfg.sensitivity.bootstrap, cfg.sensitivity.confidence, cfg.seed, s});
      const std::size_t at = (s * O + o) * F;
      std::copy(x.first.begin(), x.first.end(), t.first.begin() + static_cast<std::ptrdiff_t>(at));
      std::copy(x.total.begin(), x.total.end(), t.total.begin() + static_cast<std::ptrdiff_t>(at));
      std::copy(x.first_low.begin(), x.first_low.end(),
                t.first_low.begin() + static_cast<std::ptrdiff_t>(at));
      std::copy(x.first_high.begin(), x.first_high.end(),
                t.first_high.begin() + static_cast<std::ptrdiff_t>(at));
      std::copy(x.total_low.begin(), x.total_low.end(),
                t.total_low.begin() + static_cast<std::ptrdiff_t>(at));
      std::copy(x.total_high.begin(), x.total_high.end(),
                t.total_high.begin() + static_cast<std::ptrdiff_t>(at));
      t.mean[s * O + o] = x.mean;
      t.variance[s * O + o] = x.variance;
      t.sum_first[s * O + o] = x.sum_first;
      t.sum_total[s * O + o] = x.sum_total;
      t.used[s * O + o] = x.used;
    };
    std::vector<std::thread> workers;
    std::vector<std::exception_ptr> failures(T);
    for (std::size_t w = 1; w < T; ++w) {
      workers.emplace_back([&, w] {
        try {
          for (std::size_t o = w; o < O; o += T) one(o);
        } catch (...) {
          failures[w] = std::current_exception();
        }
      });
    }
    try {
      for (std::size_t o = 0; o < O; o += T) one(o);
    } catch (...) {
      failures[0] = std::current_exception();
    }
    for (auto& th : workers) th.join();
    for (const auto& f : failures) {
      if (f) std::rethrow_exception(f);
    }
  }
  return t;
}

std::function<void(const std::string&)> sensitivity_finisher(const port::Model& model,
                                                             const config::ResolvedConfig& cfg,
                                                             bool complete, unsigned threads) {
  const SensitivityLayout* layout = layout_of(model);
  if (layout == nullptr || !complete) return {};
  return [layout, &cfg, threads](const std::string& staging) {
    io::write_sensitivity(staging, compute_sensitivity(staging, *layout, cfg, threads));
  };
}

}  // namespace leadsim::run
