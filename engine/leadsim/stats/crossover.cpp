#include "leadsim/stats/crossover.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>
#include <stdexcept>

namespace leadsim::stats {
namespace {

struct Piece {
  double a, b;
};

// The sub-interval of [xa, xb] where the linear interpolation of fa, fb is <= 0.
std::optional<Piece> le0(double xa, double xb, double fa, double fb) {
  if (fa <= 0 && fb <= 0) return Piece{xa, xb};
  if (fa > 0 && fb > 0) return std::nullopt;
  const double root = xa + fa * (xb - xa) / (fa - fb);
  return fa <= 0 ? Piece{xa, root} : Piece{root, xb};
}

std::optional<Piece> intersect(const std::optional<Piece>& a, const std::optional<Piece>& b) {
  if (!a || !b) return std::nullopt;
  const double lo = std::max(a->a, b->a);
  const double hi = std::min(a->b, b->b);
  if (lo <= hi) return Piece{lo, hi};
  return std::nullopt;
}

// The pieces of x where lo(x) <= target <= hi(x), lo and hi interpolated linearly between
// the points; touching pieces merged; in increasing order.
std::vector<Piece> ci_set(const std::vector<double>& x, const std::vector<double>& lo,
                          const std::vector<double>& hi, double target) {
  std::vector<Piece> parts;
  if (x.size() == 1 && lo[0] <= target && target <= hi[0]) parts.push_back({x[0], x[0]});
  for (std::size_t i = 0; i + 1 < x.size(); ++i) {
    const auto a = le0(x[i], x[i + 1], lo[i] - target, lo[i + 1] - target);
    const auto b = le0(x[i], x[i + 1], target - hi[i], target - hi[i + 1]);
    if (const auto c = intersect(a, b)) parts.push_back(*c);
  }
  std::vector<Piece> merged;
  for (const Piece& p : parts) {
    if (!merged.empty() && p.a <= merged.back().b) {
      merged.back().b = std::max(merged.back().b, p.b);
    } else {
      merged.push_back(p);
    }
  }
  return merged;
}

CrossDirection direction_of(bool up, bool down) {
  return up ? CrossDirection::kUp : down ? CrossDirection::kDown : CrossDirection::kNone;
}

// The first crossing of g through 0 along increasing x.
void first_crossing(const std::vector<double>& x, const std::vector<double>& g, Crossover& out) {
  const std::size_t n = x.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (g[i] == 0) {
      const double after = i + 1 < n ? g[i + 1] : (i > 0 ? -g[i - 1] : 0.0);
      out.crossover = x[i];
      out.direction = direction_of(after > 0, after < 0);
      return;
    }
    if (i + 1 < n && (g[i] < 0) != (g[i + 1] < 0) && g[i + 1] != 0) {
      out.crossover = x[i] + (0.0 - g[i]) * (x[i + 1] - x[i]) / (g[i + 1] - g[i]);
      out.direction = g[i + 1] > g[i] ? CrossDirection::kUp : CrossDirection::kDown;
      return;
    }
  }
}

}  // namespace

std::string_view cross_direction_name(CrossDirection d) {
  switch (d) {
    case CrossDirection::kUp:
      return "up";
    case CrossDirection::kDown:
      return "down";
    case CrossDirection::kNone:
      break;
  }
  return "";
}

std::string_view cross_note_name(CrossNote n) {
  switch (n) {
    case CrossNote::kBelow:
      return "below";
    case CrossNote::kAbove:
      return "above";
    case CrossNote::kNone:
      break;
  }
  return "";
}

Crossover find_crossover(const std::vector<double>& x, const std::vector<double>& y,
                         const std::vector<double>& lo, const std::vector<double>& hi,
                         double threshold) {
  if (y.size() != x.size() || lo.size() != x.size() || hi.size() != x.size()) {
    throw std::invalid_argument("find_crossover: x, y, lo and hi differ in length");
  }
  // Increasing x (a NaN x last: it is skipped below).
  std::vector<std::size_t> order(x.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (std::isnan(x[a])) return false;
    return std::isnan(x[b]) || x[a] < x[b];
  });
  // The points with finite x and y: the curve g = y - threshold, and the interval bounds.
  std::vector<double> xs, g, l, h;
  for (std::size_t i : order) {
    const double gi = y[i] - threshold;
    if (!std::isfinite(x[i]) || !std::isfinite(gi)) continue;
    xs.push_back(x[i]);
    g.push_back(gi);
    l.push_back(lo[i]);
    h.push_back(hi[i]);
  }
  Crossover out;
  out.points = xs.size();
  first_crossing(xs, g, out);
  // The interval set over the points whose bounds are both finite.
  std::vector<double> cx, cl, ch;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    if (!std::isfinite(l[i]) || !std::isfinite(h[i])) continue;
    cx.push_back(xs[i]);
    cl.push_back(l[i]);
    ch.push_back(h[i]);
  }
  const auto parts = ci_set(cx, cl, ch, threshold);
  if (std::isfinite(out.crossover)) {
    for (const Piece& p : parts) {
      if (p.a <= out.crossover && out.crossover <= p.b) {
        out.ci_low = p.a;
        out.ci_high = p.b;
      }
    }
  } else if (!parts.empty()) {
    out.ci_low = parts.front().a;
    out.ci_high = parts.back().b;
  }
  if (!std::isfinite(out.crossover) && !g.empty()) {
    const double trend = g.back() - g.front();
    if (trend != 0) {
      // Better everywhere and rising: the crossing lies below the range.
      out.note = (g.front() > 0) == (trend > 0) ? CrossNote::kBelow : CrossNote::kAbove;
    }
  }
  return out;
}

}  // namespace leadsim::stats
