// Reading GPU and fabric catalog entries; quantities carry their units ("989 TFLOPS", "80 GB", "3.35 TB/s").
#include "sim/io/hardware_yaml.h"

#include "sim/units/checked.h"
#include "sim/units/units.h"

namespace moeplan::io {
namespace {

const char* kFlops = "a dense peak rate such as \"989 TFLOPS\"";

// {price, date, source}: every price in the catalog carries the date it was quoted and where.
struct DatedPrice {
  double usd = 0;
  std::string date;
  std::string source;
};

DatedPrice read_dated_price(const YamlField& f, double (*parse)(std::string_view), const std::string& expected) {
  f.require_map("{price: ..., date: YYYY-MM, source: ...}");
  f.expect_keys({"price", "date", "source", "notes"});
  DatedPrice p;
  p.usd = f.at("price", expected).as_quantity(parse, expected);
  p.date = f.at("date", "the date of the quote, e.g. 2025-03").as_string();
  p.source = f.at("source", "where the price was published").as_string();
  return p;
}

}  // namespace

GpuSpec read_gpu(const YamlField& e, const std::string& name, const std::vector<std::string>& extra_keys) {
  e.require_map("a GPU entry with bf16, memory, memory_bandwidth, sms, tdp, ...");
  std::vector<std::string> keys = {"display_name", "vendor", "arch", "sms", "boost_clock_mhz", "fp8", "bf16", "fp32",
                                   "memory", "memory_bandwidth", "l2", "scale_up", "scale_up_domain", "host_link", "tdp",
                                   "purchase", "rental", "ecc", "profile", "source", "notes"};
  keys.insert(keys.end(), extra_keys.begin(), extra_keys.end());
  e.expect_keys(keys);
  GpuSpec g;
  g.name = name;
  g.display_name = e.get_string("display_name", name);
  g.vendor = e.get_string("vendor", "");
  g.arch = e.get_string("arch", "");
  g.sm_count = e.at("sms", "the number of SMs (CUs on AMD)").as_int();
  g.boost_clock_mhz = e.get_double("boost_clock_mhz", 0);
  // FP8 absent (Ampere and older) means no FP8 tensor cores.
  g.peak_fp8_flops = e.get_quantity("fp8", units::parse_flops_rate, 0, kFlops);
  g.peak_bf16_flops = e.at("bf16", kFlops).as_quantity(units::parse_flops_rate, kFlops);
  g.peak_fp32_flops = e.get_quantity("fp32", units::parse_flops_rate, 0, kFlops);
  g.hbm_bytes = e.at("memory", "a capacity such as \"80 GB\"").as_quantity(units::parse_bytes, "a capacity such as \"80 GB\"");
  g.hbm_Bps = e.at("memory_bandwidth", "a bandwidth such as \"3.35 TB/s\"")
                  .as_quantity(units::parse_bandwidth, "a bandwidth such as \"3.35 TB/s\"");
  g.l2_bytes = e.get_quantity("l2", units::parse_bytes, 0, "a size such as \"50 MiB\"");
  const std::string scale_up = e.at("scale_up", "a fabric name, or none").as_string();
  g.scale_up_fabric = scale_up == "none" ? "" : scale_up;
  // A scale-up fabric that spans nodes (NVL72) says how many GPUs it joins; absent: one node.
  g.scale_up_domain_gpus = e.get_int("scale_up_domain", 0, 0, kMaxGpusPerNode);
  g.host_link = e.at("host_link", "a PCIe fabric name such as pcie5").as_string();
  g.tdp_w = e.at("tdp", "a power such as \"700 W\"").as_quantity(units::parse_power, "a power such as \"700 W\"");
  if (auto f = e.find("purchase")) g.purchase_usd = read_dated_price(*f, units::parse_usd, "an amount such as \"$25k\"").usd;
  if (auto f = e.find("rental")) {
    const DatedPrice p = read_dated_price(*f, units::parse_usd_per_hour, "a price such as \"$2/h\"");
    g.rental = PriceQuote{p.usd, p.date, p.source};
  }
  g.ecc = e.get_bool("ecc", true);
  g.profile = e.get_string("profile", name);
  g.source = e.at("source", "where the numbers come from").as_string();
  return g;
}

FabricSpec read_fabric(const YamlField& e, const std::string& name, const std::vector<std::string>& extra_keys) {
  e.require_map("a fabric entry with kind, bandwidth, achievable, latency, source");
  std::vector<std::string> keys = {"kind", "bandwidth", "achievable", "latency", "source", "notes"};
  keys.insert(keys.end(), extra_keys.begin(), extra_keys.end());
  e.expect_keys(keys);
  FabricSpec f;
  f.name = name;
  f.kind = e.at("kind", "the link technology").as_enum<FabricKind>(
      {{"nvlink", FabricKind::kNvlink},
       {"pcie", FabricKind::kPcie},
       {"infiniband", FabricKind::kInfiniband},
       {"roce", FabricKind::kRoce},
       {"ethernet", FabricKind::kEthernet},
       {"infinity-fabric", FabricKind::kInfinityFabric}},
      "fabric kind");
  const char* bw = "a per-direction bandwidth such as \"50 GB/s\" or \"400 Gbps\"";
  f.nominal_Bps = e.at("bandwidth", bw).as_quantity(units::parse_bandwidth, bw);
  f.achievable_Bps = e.at("achievable", bw).as_quantity(units::parse_bandwidth, bw);
  f.latency_s = e.at("latency", "a duration such as \"2.8 us\"").as_quantity(units::parse_duration, "a duration such as \"2.8 us\"");
  f.source = e.at("source", "where the numbers come from").as_string();
  return f;
}

}  // namespace moeplan::io
