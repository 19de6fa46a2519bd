// Serving scenario files -> ServeScenario (schema in docs/serving.md). Every key is checked: unknown keys
// fail with file:line:column, the key path, what was expected and a "did you mean" hint.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/infer/serve_scenario.h"
#include "sim/io/input_file.h"
#include "sim/io/scenario_sections.h"
#include "sim/io/suggest.h"
#include "sim/io/yaml_override.h"
#include "sim/io/yaml_reader.h"
#include "sim/units/error.h"
#include "sim/units/units.h"

namespace moeplan {
namespace {

using io::YamlField;
namespace fs = std::filesystem;

const std::vector<std::string> kTopKeys = {"name",     "description", "model",   "cluster", "precision",
                                           "serving",  "workload",    "arrivals", "slo",    "price",
                                           "compare",  "seed",        "duration", "warmup", "calibration", "load", "published"};

int read_positive_int(const YamlField& f, const std::string& what) {
  const int v = f.as_int(what);
  if (v < 1) f.fail(f.path() + " must be >= 1", what);
  return v;
}

int get_nonneg_int(const YamlField& parent, const std::string& key, int fallback) {
  auto f = parent.find(key);
  if (!f) return fallback;
  const int v = f->as_int("a non-negative integer");
  if (v < 0) f->fail(f->path() + " must be >= 0", "a non-negative integer");
  return v;
}

double read_fraction(const YamlField& f) {
  const double v = f.as_double("a fraction in [0, 1]");
  if (!(v >= 0.0 && v <= 1.0)) f.fail(f.path() + " must be in [0, 1]", "a fraction in [0, 1]");
  return v;
}

double count(const YamlField& f, const std::string& expected) {
  const double v = f.as_quantity(units::parse_count, expected);
  if (!(v >= 0)) f.fail(f.path() + " must be >= 0", expected);
  return v;
}

// `redundant_per_gpu` receives redundant_experts_per_gpu (resolved against ep once ep has its default).
ServePool read_pool(const YamlField& f, bool decode, int& redundant_per_gpu) {
  std::vector<std::string> keys = {"gpu", "price", "nodes", "attention_tp", "attention_dp", "ep", "redundant_experts",
                                   "redundant_experts_per_gpu", "micro_batches", "comm_sms", "expert_load_factor"};
  if (decode) {
    for (const char* k : {"batch_per_gpu", "max_batch_per_gpu", "pipeline_stages"}) keys.push_back(k);
  } else {
    keys.push_back("tokens_per_micro_batch");
  }
  f.require_map("{nodes, attention_tp, attention_dp, ep, redundant_experts, ...}");
  f.expect_keys(keys);
  ServePool p;
  // Defaults: DeepSeek's DeepEP normal kernels hold 20 of 132 SMs in prefill (DeepSeek-V3 §3.5.1); the
  // decode low-latency kernels overlap through a receive hook that occupies no SM (DeepEP README).
  p.comm_sms = decode ? 0 : 20;
  if (auto n = f.find("nodes")) p.nodes = read_positive_int(*n, "a positive node count");
  if (auto n = f.find("attention_tp")) p.attention_tp = read_positive_int(*n, "a positive TP degree");
  p.attention_dp = get_nonneg_int(f, "attention_dp", 0);
  p.ep = get_nonneg_int(f, "ep", 0);
  if (f.has("redundant_experts") && f.has("redundant_experts_per_gpu"))
    f.find("redundant_experts_per_gpu")->fail("give redundant_experts or redundant_experts_per_gpu, not both",
                                              "one of the two keys");
  p.redundant_experts = get_nonneg_int(f, "redundant_experts", 0);
  redundant_per_gpu = get_nonneg_int(f, "redundant_experts_per_gpu", 0);
  if (auto n = f.find("micro_batches")) p.micro_batches = read_positive_int(*n, "1 or 2 micro-batches");
  if (p.micro_batches > 2) f.find("micro_batches")->fail("micro_batches must be 1 or 2", "1 or 2");
  p.comm_sms = get_nonneg_int(f, "comm_sms", p.comm_sms);
  if (auto x = f.find("expert_load_factor")) {
    p.expert_load_factor = x->as_double("a number >= 1");
    if (p.expert_load_factor < 1.0) x->fail("expert_load_factor must be >= 1", "a number >= 1");
  }
  if (decode) {
    p.tokens_per_micro_batch = 0;
    if (auto b = f.find("batch_per_gpu")) {
      if (b->is_scalar() && b->node().Scalar() == "auto") {
        p.batch_per_gpu = 0;
      } else {
        p.batch_per_gpu = read_positive_int(*b, "a positive batch or `auto`");
      }
    }
    p.max_batch_per_gpu = get_nonneg_int(f, "max_batch_per_gpu", 0);
    if (auto s = f.find("pipeline_stages")) p.pipeline_stages = read_positive_int(*s, "a positive stage count");
  } else if (auto t = f.find("tokens_per_micro_batch")) {
    p.tokens_per_micro_batch = read_positive_int(*t, "a positive token count");
  }
  return p;
}

LengthDist read_length(const YamlField& f) {
  LengthDist d;
  if (f.is_scalar()) {
    d.mean = count(f, "a token count or {dist: fixed|lognormal|uniform, ...}");
    return d;
  }
  f.require_map("a token count or {dist: fixed|lognormal|uniform, ...}");
  f.expect_keys({"dist", "value", "mean", "sigma", "min", "max"});
  d.kind = f.at("dist", "fixed, lognormal or uniform")
               .as_enum<LengthKind>({{"fixed", LengthKind::kFixed},
                                     {"lognormal", LengthKind::kLognormal},
                                     {"uniform", LengthKind::kUniform}},
                                    "length distribution");
  switch (d.kind) {
    case LengthKind::kFixed:
      d.mean = count(f.at("value", "a token count"), "a token count");
      break;
    case LengthKind::kLognormal:
      d.mean = count(f.at("mean", "the mean token count"), "a token count");
      d.sigma = f.at("sigma", "sigma of log(length), e.g. 1.0").as_double("a number >= 0");
      if (d.sigma < 0) f.at("sigma", "").fail("sigma must be >= 0", "a number >= 0");
      break;
    case LengthKind::kUniform:
      d.min = count(f.at("min", "the smallest token count"), "a token count");
      d.max = count(f.at("max", "the largest token count"), "a token count");
      if (d.max < d.min) f.at("max", "").fail("max must be >= min", "max >= min");
      break;
  }
  if (d.expected() < 1) f.fail(f.path() + " must average at least one token", "a mean >= 1");
  return d;
}

ArrivalSpec read_arrivals(const YamlField& f, const std::string& base_dir) {
  f.require_map("{rate_per_s, prompt_tokens, output_tokens, prefix_hit_fraction} or {trace: file.csv}");
  f.expect_keys({"rate_per_s", "prompt_tokens", "output_tokens", "prefix_hit_fraction", "trace"});
  ArrivalSpec a;
  a.enabled = true;
  if (auto p = f.find("prefix_hit_fraction")) a.prefix_hit_fraction = read_fraction(*p);
  if (auto t = f.find("trace")) {
    for (const char* k : {"rate_per_s", "prompt_tokens", "output_tokens"})
      if (f.has(k)) f.find(k)->fail(std::string("`") + k + "` conflicts with `trace`", "either a trace or a Poisson process");
    fs::path p(t->as_string("a CSV path with columns arrival_s,prompt_tokens,output_tokens"));
    if (p.is_relative() && !base_dir.empty() && fs::exists(fs::path(base_dir) / p)) p = fs::path(base_dir) / p;
    if (!fs::exists(p)) t->fail("trace file not found: " + p.string(), "an existing CSV file");
    a.trace_path = p.string();
    return a;
  }
  YamlField r = f.at("rate_per_s", "requests per second (Poisson)");
  a.rate_per_s = r.as_double("requests per second");
  if (!(a.rate_per_s > 0)) r.fail("rate_per_s must be > 0", "a positive rate");
  a.prompt_tokens = read_length(f.at("prompt_tokens", "a token count or a distribution"));
  a.output_tokens = read_length(f.at("output_tokens", "a token count or a distribution"));
  return a;
}

DailyWorkload read_workload(const YamlField& f) {
  f.require_map("{input_tokens_per_day, cache_hit_fraction, output_tokens_per_day, avg_kv_len}");
  f.expect_keys({"input_tokens_per_day", "cache_hit_fraction", "output_tokens_per_day", "avg_kv_len",
                 "peak_to_average"});
  DailyWorkload w;
  w.enabled = true;
  w.input_tokens_per_day = count(f.at("input_tokens_per_day", "tokens per day, e.g. 608B"), "a token count");
  w.output_tokens_per_day = count(f.at("output_tokens_per_day", "tokens per day, e.g. 168B"), "a token count");
  if (auto c = f.find("cache_hit_fraction")) w.cache_hit_fraction = read_fraction(*c);
  w.avg_kv_len = count(f.at("avg_kv_len", "average KV length per output token, e.g. 4989"), "a token count");
  if (auto p = f.find("peak_to_average")) {
    w.peak_to_average = p->as_double("a number >= 1");
    if (w.peak_to_average < 1) p->fail("peak_to_average must be >= 1", "a number >= 1");
  }
  if (!(w.output_tokens_per_day > 0)) f.at("output_tokens_per_day", "").fail("output tokens must be > 0", "> 0");
  return w;
}

LoadProfile read_load(const YamlField& f) {
  f.require_map("{profile: [24 hourly rates] or flat, policy: fixed|autoscaled, scale_up_delay, min_nodes, max_nodes}");
  f.expect_keys({"profile", "policy", "scale_up_delay", "min_nodes", "max_nodes"});
  LoadProfile l;
  l.enabled = true;
  const YamlField p = f.at("profile", "24 hourly rates (any unit: only the shape counts) or `flat`");
  if (p.is_scalar()) {
    if (p.as_string() != "flat") p.fail("unknown load profile `" + p.as_string() + "`", "a list of 24 hourly rates or `flat`");
    l.hourly.assign(24, 1.0);
  } else {
    const std::vector<YamlField> items = p.items("an hourly rate");
    if (items.size() != 24)
      p.fail("a load profile has " + std::to_string(items.size()) + " hourly rates", "24 numbers, hour 0 to 23");
    double sum = 0;
    for (const YamlField& h : items) {
      const double v = h.as_double("a rate >= 0");
      if (!(v >= 0)) h.fail("an hourly rate must be >= 0", "a number >= 0");
      l.hourly.push_back(v);
      sum += v;
    }
    if (!(sum > 0)) p.fail("the hourly rates are all zero", "at least one rate > 0");
    for (double& v : l.hourly) v *= 24.0 / sum;  // the workload's daily totals set the level
  }
  if (auto pol = f.find("policy"))
    l.policy = pol->as_enum<FleetPolicy>({{"fixed", FleetPolicy::kFixed}, {"autoscaled", FleetPolicy::kAutoscaled}},
                                         "a fleet policy");
  l.scale_up_delay_s = f.get_quantity("scale_up_delay", units::parse_duration, 0, "a duration such as 30 min");
  if (l.scale_up_delay_s < 0 || l.scale_up_delay_s > 3600)
    f.at("scale_up_delay", "").fail("scale_up_delay must be between 0 and 1 h", "a duration of at most 1 h");
  l.min_nodes = f.get_int("min_nodes", 0);
  l.max_nodes = f.get_int("max_nodes", 0);
  if (l.min_nodes < 0) f.at("min_nodes", "").fail("min_nodes must be >= 0", "a node count");
  if (l.max_nodes < 0 || (l.max_nodes > 0 && l.max_nodes < l.min_nodes))
    f.at("max_nodes", "").fail("max_nodes must be >= min_nodes", "a node count >= min_nodes, or 0 for no cap");
  return l;
}

ServeSlo read_slo(const YamlField& f) {
  f.require_map("{ttft: 2 s, tpot: 50 ms} or {ttft, output_tokens_per_s: 20}");
  f.expect_keys({"ttft", "ttft_percentile", "tpot", "tpot_percentile", "output_tokens_per_s"});
  ServeSlo s;
  s.ttft_s = f.get_quantity("ttft", units::parse_duration, 0, "a duration such as 2 s");
  if (auto p = f.find("ttft_percentile")) {
    s.ttft_percentile = p->as_double("a fraction in (0, 1), e.g. 0.9 for p90");
    if (!(s.ttft_percentile > 0.0 && s.ttft_percentile < 1.0))
      p->fail("slo.ttft_percentile must be in (0, 1)", "a fraction in (0, 1), e.g. 0.9 for p90");
  }
  if (auto p = f.find("tpot_percentile")) {
    s.tpot_percentile = p->as_double("a fraction in (0, 1), e.g. 0.99 for p99");
    if (!(s.tpot_percentile > 0.0 && s.tpot_percentile < 1.0))
      p->fail("slo.tpot_percentile must be in (0, 1)", "a fraction in (0, 1), e.g. 0.99 for p99");
  }
  if (f.has("tpot") && f.has("output_tokens_per_s"))
    f.find("output_tokens_per_s")->fail("give tpot or output_tokens_per_s, not both", "one of the two");
  s.tpot_s = f.get_quantity("tpot", units::parse_duration, 0, "a duration such as 50 ms");
  if (auto o = f.find("output_tokens_per_s")) {
    const double r = o->as_double("tokens per second per request");
    if (!(r > 0)) o->fail("output_tokens_per_s must be > 0", "a positive rate");
    s.tpot_s = 1.0 / r;
  }
  return s;
}

double read_usd_per_gpu_hour(const YamlField& f) {
  if (f.is_scalar()) return f.as_quantity(units::parse_usd_per_hour, "a price such as $2/h");
  f.require_map("$2/h or {usd_per_gpu_hour: $2/h}");
  f.expect_keys({"usd_per_gpu_hour"});
  return f.at("usd_per_gpu_hour", "a price such as $2/h").as_quantity(units::parse_usd_per_hour, "a price such as $2/h");
}

template <typename Lookup>
auto catalog_entry(const YamlField& f, Lookup lookup) {
  try {
    return lookup(f.as_string("a catalog name"));
  } catch (const Error& e) {
    throw e.with_context(f.context());
  }
}

ServeScenario convert(const YAML::Node& node, io::YamlSource& source, const io::Catalog& catalog,
                      const std::string& base_dir) {
  YamlField root(node, "", &source);
  root.require_map("a serving scenario: name, model, cluster, serving, workload or arrivals, ...");
  root.expect_keys(kTopKeys);
  ServeScenario s;
  s.name = root.get_string("name", fs::path(source.file()).stem().string());
  s.model = catalog_entry(root.at("model", "a catalog model name"),
                          [&](const std::string& n) { return catalog.model(n); });

  YamlField c = root.at("cluster", "{gpu, gpus_per_node, scale_up, scale_out, nics_per_node}");
  c.require_map("{gpu, gpus_per_node, scale_up, scale_out, nics_per_node}");
  c.expect_keys({"gpu", "gpus_per_node", "scale_up", "scale_out", "nics_per_node"});
  s.gpu = catalog_entry(c.at("gpu", "a catalog GPU name"), [&](const std::string& n) { return catalog.gpu(n); });
  if (auto g = c.find("gpus_per_node")) s.gpus_per_node = read_positive_int(*g, "GPUs per node");
  s.nics_per_node = s.gpus_per_node;
  if (auto n = c.find("nics_per_node")) s.nics_per_node = read_positive_int(*n, "NICs per node");
  if (auto f = c.find("scale_up")) {
    s.scale_up = catalog_entry(*f, [&](const std::string& n) { return catalog.fabric(n); });
  } else {
    const std::string up = s.gpu.scale_up_fabric.empty() ? s.gpu.host_link : s.gpu.scale_up_fabric;
    s.scale_up = catalog.fabric(up);
  }
  s.scale_out = c.has("scale_out")
                    ? catalog_entry(*c.find("scale_out"), [&](const std::string& n) { return catalog.fabric(n); })
                    : catalog.fabric("ib-ndr");

  s.precision = precision_preset("fp8-deepseek");
  if (auto p = root.find("precision")) s.precision = io::read_precision(*p);

  YamlField sv = root.at("serving", "{prefill: {...}, decode: {...}, mtp: {...}, kv_cache_dtype}");
  sv.require_map("{prefill, decode, mtp, kv_cache_dtype, workspace}");
  sv.expect_keys({"prefill", "decode", "mtp", "kv_cache_dtype", "workspace"});
  if (auto k = sv.find("kv_cache_dtype"))
    s.kv_cache_dtype = k->as_enum<DType>({{"bf16", DType::kBf16}, {"fp8", DType::kFp8}}, "KV cache dtype");
  s.workspace_bytes = sv.get_quantity("workspace", units::parse_bytes, 0, "bytes per GPU, e.g. 6 GB");
  int redundant_per_gpu[2] = {0, 0};
  s.prefill = read_pool(sv.at("prefill", "{nodes, ep, ...}"), false, redundant_per_gpu[0]);
  s.decode = read_pool(sv.at("decode", "{nodes, ep, ...}"), true, redundant_per_gpu[1]);
  // A pool on its own GPU type (mixed pools): that GPU's scale-up fabric, BF16 without FP8, its price.
  for (const bool decode : {false, true}) {
    const YamlField pf = sv.at(decode ? "decode" : "prefill", "");
    if (auto g = pf.find("gpu")) {
      PoolGpu pg;
      pg.gpu = catalog_entry(*g, [&](const std::string& n) { return catalog.gpu(n); });
      pg.scale_up = catalog.fabric(pg.gpu.scale_up_fabric.empty() ? pg.gpu.host_link : pg.gpu.scale_up_fabric);
      pg.precision = pg.gpu.has_fp8() ? s.precision : precision_preset("bf16");
      pg.usd_per_gpu_hour = pg.gpu.rental.usd_per_gpu_hour;
      if (auto p = pf.find("price")) pg.usd_per_gpu_hour = read_usd_per_gpu_hour(*p);
      if (!(pg.usd_per_gpu_hour > 0))
        g->fail("no price per GPU-hour: the catalog has none for `" + pg.gpu.name + "`",
                "a GPU with a catalog rental price", "add `price: $X/h` to the pool");
      (decode ? s.decode_gpu : s.prefill_gpu) = pg;
    } else if (auto p = pf.find("price")) {
      p->fail("a pool's price goes with its own `gpu`", "`gpu: NAME` next to `price`", "or set the top-level `price`");
    }
  }
  if (auto m = sv.find("mtp")) {
    m->require_map("{enabled: true, acceptance: 0.85}");
    m->expect_keys({"enabled", "acceptance"});
    s.mtp_enabled = m->get_bool("enabled", true);
    if (auto a = m->find("acceptance")) s.mtp_acceptance = read_fraction(*a);
  }

  if (auto w = root.find("workload")) s.workload = read_workload(*w);
  if (auto a = root.find("arrivals")) s.arrivals = read_arrivals(*a, base_dir);
  if (auto pub = root.find("published")) {
    for (const YamlField& item : pub->items("{metric, value, source}")) {
      item.require_map("{metric, value, source}");
      item.expect_keys({"metric", "value", "source"});
      PublishedFigure f;
      const YamlField m = item.at("metric", "a serving metric name");
      f.metric = m.as_enum<std::string>(
          [] {
            std::vector<std::pair<std::string, std::string>> v;
            for (const std::string& n : serving_metric_names()) v.emplace_back(n, n);
            return v;
          }(),
          "a serving metric");
      f.value = count(item.at("value", "the published value, e.g. 14.8K"), "a number");
      f.source = item.at("source", "where the value is published").as_string();
      if (!(f.value > 0)) item.at("value", "").fail("a published value must be > 0", "a positive number");
      s.published.push_back(f);
    }
  }
  if (auto l = root.find("load")) {
    if (!s.workload.enabled) l->fail("`load` shapes a daily `workload`", "a `workload` section next to `load`");
    if (s.workload.peak_to_average != 1.0)
      l->fail("give either workload.peak_to_average or load.profile", "one of them (the profile sets the peak)");
    s.load = read_load(*l);
    // The pools, the TTFT model and the request simulation are sized at the profile's peak hour.
    s.workload.peak_to_average = *std::max_element(s.load.hourly.begin(), s.load.hourly.end());
  }
  if (!s.workload.enabled && !s.arrivals.enabled)
    root.fail("a serving scenario needs a `workload` (daily tokens) or `arrivals` (requests)",
              "workload: {...} or arrivals: {...}");
  if (auto l = root.find("slo")) s.slo = read_slo(*l);
  s.usd_per_gpu_hour = s.gpu.rental.usd_per_gpu_hour;
  if (auto p = root.find("price")) s.usd_per_gpu_hour = read_usd_per_gpu_hour(*p);
  if (auto cmp = root.find("compare")) {
    for (const YamlField& g : cmp->items("a list of catalog GPU names")) {
      s.compare_gpus.push_back(catalog_entry(g, [&](const std::string& n) { return catalog.gpu(n); }));
      const GpuSpec& gs = s.compare_gpus.back();
      s.compare_scale_up.push_back(catalog.fabric(gs.scale_up_fabric.empty() ? gs.host_link : gs.scale_up_fabric));
    }
  }
  if (auto sd = root.find("seed")) {
    const long long v = sd->as_int64("a non-negative integer");
    if (v < 0) sd->fail("seed must be >= 0", "a non-negative integer");
    s.seed = static_cast<std::uint64_t>(v);
  }
  s.duration_s = root.get_quantity("duration", units::parse_duration, s.duration_s, "a duration such as 10 min");
  s.warmup_s = root.get_quantity("warmup", units::parse_duration, s.duration_s / 4.0, "a duration such as 2 min");
  s.calibration = root.get_string("calibration", "");
  if (!s.calibration.empty() && fs::path(s.calibration).is_relative() && !base_dir.empty() &&
      fs::exists(fs::path(base_dir) / s.calibration))
    s.calibration = (fs::path(base_dir) / s.calibration).string();

  // Resolve defaults that depend on the unit size, then per-GPU redundancy.
  for (int i = 0; i < 2; ++i) {
    ServePool& p = i == 0 ? s.prefill : s.decode;
    if (p.nodes == 0) sv.at(i == 0 ? "prefill" : "decode", "").at("nodes", "nodes of one deployment unit");
    const int gpus = p.nodes * s.gpus_per_node;
    if (p.ep == 0) p.ep = gpus;
    if (p.attention_dp == 0) p.attention_dp = gpus / p.attention_tp;
    if (redundant_per_gpu[i] > 0) p.redundant_experts = redundant_per_gpu[i] * p.ep;
  }
  return s;
}

void validate_located(const ServeScenario& s, const io::YamlSource& source) {
  try {
    validate(s);
  } catch (const Error& e) {
    ErrorContext c = source.context(e.context().key_path);
    c.key_path = e.context().key_path;
    c.expected = e.context().expected;
    c.hint = e.context().hint;
    throw Error(e.kind(), e.message(), c);
  }
}

ServeScenario load(const std::string& text, const std::string& file, const std::string& base_dir,
                   const io::Catalog& catalog, const std::vector<std::string>& overrides) {
  YAML::Node root = io::parse_yaml(text, file);
  io::YamlSource source(file);
  for (const std::string& o : overrides) {
    const auto [key, value] = io::split_override(o);
    try {
      io::apply_override(root, key, value);
    } catch (const Error& e) {
      throw e.with_context(ErrorContext{.file = "override `" + o + "`"});
    }
    source.mark_override(io::normalize_key_path(key), o);
  }
  ServeScenario s = convert(root, source, catalog, base_dir);
  validate_located(s, source);
  return s;
}

std::string read_text(const std::string& path) {
  return io::read_input_file(path, "serving scenario");
}

}  // namespace

ServeScenario load_serve_scenario(const std::string& path, const io::Catalog& catalog,
                                  const std::vector<std::string>& overrides) {
  ServeScenario s = load(read_text(path), path, fs::path(path).parent_path().string(), catalog, overrides);
  s.file = path;
  return s;
}

ServeScenario load_serve_scenario_text(const std::string& yaml, const std::string& name_for_messages,
                                       const io::Catalog& catalog, const std::vector<std::string>& overrides) {
  return load(yaml, name_for_messages, "", catalog, overrides);
}

bool is_serve_scenario_file(const std::string& path) {
  const YAML::Node root = io::parse_yaml(read_text(path), path);
  return root.IsMap() && root["serving"].IsDefined();
}

}  // namespace moeplan
