// Headless Chromium renders report.html: the screenshot is a real, non-blank image showing the charts'
// colours, and the browser's DOM holds every expected chart with its axes, labels and data marks.
// Skipped, with the reason printed, when /usr/bin/chromium is not installed.
#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "reports/report_writer.h"
#include "tests/reports/sample_result.h"
#include "tests/reports/xml_check.h"

namespace moeplan::reports {
namespace {

namespace fs = std::filesystem;
const char* kChromium = "/usr/bin/chromium";

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Decoded 8-bit RGB(A) PNG, non-interlaced (what Chromium writes).
struct Image {
  std::uint32_t width = 0, height = 0;
  int channels = 0;
  std::vector<std::uint8_t> pixels;  // rows of width * channels bytes
};

std::uint32_t be32(const std::string& s, std::size_t at) {
  return (std::uint32_t(std::uint8_t(s[at])) << 24) | (std::uint32_t(std::uint8_t(s[at + 1])) << 16) |
         (std::uint32_t(std::uint8_t(s[at + 2])) << 8) | std::uint32_t(std::uint8_t(s[at + 3]));
}

Image decode_png(const std::string& png) {
  Image img;
  if (png.size() < 8 || png.compare(0, 8, "\x89PNG\r\n\x1a\n") != 0) throw std::runtime_error("not a PNG");
  std::string idat;
  int depth = 0, colour = 0, interlace = 0;
  for (std::size_t at = 8; at + 8 <= png.size();) {
    std::uint32_t len = be32(png, at);
    std::string type = png.substr(at + 4, 4);
    if (type == "IHDR") {
      img.width = be32(png, at + 8);
      img.height = be32(png, at + 12);
      depth = std::uint8_t(png[at + 16]);
      colour = std::uint8_t(png[at + 17]);
      interlace = std::uint8_t(png[at + 20]);
    } else if (type == "IDAT") {
      idat += png.substr(at + 8, len);
    }
    at += 12 + len;
  }
  if (depth != 8 || (colour != 2 && colour != 6) || interlace != 0)
    throw std::runtime_error("unsupported PNG format");
  img.channels = colour == 6 ? 4 : 3;
  std::size_t stride = std::size_t(img.width) * img.channels;
  std::vector<std::uint8_t> raw((stride + 1) * img.height);
  uLongf raw_len = raw.size();
  if (uncompress(raw.data(), &raw_len, reinterpret_cast<const Bytef*>(idat.data()), idat.size()) != Z_OK ||
      raw_len != raw.size())
    throw std::runtime_error("bad PNG data");
  // Undo the per-row filters (PNG specification, section 9).
  img.pixels.assign(stride * img.height, 0);
  int bpp = img.channels;
  for (std::uint32_t y = 0; y < img.height; ++y) {
    int filter = raw[y * (stride + 1)];
    const std::uint8_t* in = &raw[y * (stride + 1) + 1];
    std::uint8_t* out = &img.pixels[y * stride];
    const std::uint8_t* up = y ? &img.pixels[(y - 1) * stride] : nullptr;
    for (std::size_t x = 0; x < stride; ++x) {
      int a = x >= std::size_t(bpp) ? out[x - bpp] : 0;
      int b = up ? up[x] : 0;
      int c = (up && x >= std::size_t(bpp)) ? up[x - bpp] : 0;
      int pred = 0;
      switch (filter) {
        case 0: pred = 0; break;
        case 1: pred = a; break;
        case 2: pred = b; break;
        case 3: pred = (a + b) / 2; break;
        case 4: {
          int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
          pred = (pa <= pb && pa <= pc) ? a : (pb <= pc ? b : c);
          break;
        }
        default: throw std::runtime_error("bad PNG filter");
      }
      out[x] = std::uint8_t(in[x] + pred);
    }
  }
  return img;
}

std::size_t count_colour(const Image& img, std::uint32_t rgb) {
  std::size_t n = 0;
  for (std::size_t i = 0; i + 2 < img.pixels.size(); i += img.channels)
    if (img.pixels[i] == (rgb >> 16) && img.pixels[i + 1] == ((rgb >> 8) & 0xFF) && img.pixels[i + 2] == (rgb & 0xFF)) ++n;
  return n;
}

class BrowserTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(kChromium)) GTEST_SKIP() << "headless browser test skipped: " << kChromium << " not installed";
    dir_ = fs::temp_directory_path() / ("moeplan-browser-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    auto r = testing::sample_run_result();
    write_report_dir(dir_.string(), r, "");
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }
  // Runs Chromium headless with a private profile; returns its exit status.
  int chromium(const std::string& args, const fs::path& stdout_file) {
    std::string cmd = "timeout 90 " + std::string(kChromium) +
                      " --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir=" +
                      (dir_ / "profile").string() + " " + args + " file://" + (dir_ / "report.html").string() +
                      " > " + stdout_file.string() + " 2> " + (dir_ / "chromium.err").string();
    return std::system(cmd.c_str());
  }
  fs::path dir_;
};

TEST_F(BrowserTest, ScreenshotIsNotBlank) {
  fs::path png = dir_ / "shot.png";
  ASSERT_EQ(chromium("--screenshot=" + png.string() + " --window-size=1280,2000", dir_ / "shot.out"), 0)
      << slurp(dir_ / "chromium.err");
  ASSERT_TRUE(fs::exists(png)) << slurp(dir_ / "chromium.err");
  Image img = decode_png(slurp(png));
  EXPECT_EQ(img.width, 1280u);
  EXPECT_EQ(img.height, 2000u);
  std::size_t total = img.pixels.size() / img.channels, non_white = 0;
  for (std::size_t i = 0; i < img.pixels.size(); i += img.channels)
    if (img.pixels[i] < 245 || img.pixels[i + 1] < 245 || img.pixels[i + 2] < 245) ++non_white;
  double ink = double(non_white) / double(total);
  std::printf("screenshot %ux%u, %zu bytes, %.1f%% non-white pixels\n", img.width, img.height,
              std::size_t(fs::file_size(png)), 100 * ink);
  EXPECT_GT(ink, 0.05);
  // The memory chart's weights (Okabe-Ito orange) and activations (blue) bars are painted.
  EXPECT_GT(count_colour(img, 0xE69F00), 500u);
  EXPECT_GT(count_colour(img, 0x0072B2), 500u);
}

TEST_F(BrowserTest, DomHasEveryChartWithAxesLabelsAndMarks) {
  fs::path dom_file = dir_ / "dom.html";
  ASSERT_EQ(chromium("--dump-dom", dom_file), 0) << slurp(dir_ / "chromium.err");
  std::string dom = slurp(dom_file);
  ASSERT_NE(dom.find("id=\"summary\""), std::string::npos) << dom.substr(0, 500);
  struct Expect { const char* id; std::size_t marks; bool axes; };
  const Expect charts[] = {{"memory", 28, true}, {"pipeline", 9, true}, {"memory-timeline", 2 + 5, true},
                           {"goodput", 4, false}};
  for (const auto& want : charts) {
    std::size_t at = dom.find(std::string("<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"") + want.id + "\"");
    ASSERT_NE(at, std::string::npos) << want.id;
    std::size_t end = dom.find("</svg>", at);
    ASSERT_NE(end, std::string::npos);
    auto svg = testing::parse_xml(dom.substr(at, end + 6 - at));
    EXPECT_EQ(svg->with_class("mark").size(), want.marks) << want.id;
    EXPECT_EQ(svg->with_class("title").size(), 1u) << want.id;
    EXPECT_FALSE(svg->with_class("legend-item").empty()) << want.id;
    if (want.axes) {
      for (const char* axis : {"x", "y"}) {
        auto axes = svg->find_all([&](const testing::XmlNode& n) { return n.has_class("axis") && n.has_class(axis); });
        ASSERT_EQ(axes.size(), 1u) << want.id << " axis " << axis;
        EXPECT_GE(axes[0]->with_class("tick").size(), 2u) << want.id;
        EXPECT_EQ(axes[0]->with_class("axis-label").size(), 1u) << want.id;
      }
    }
  }
  for (const char* table : {"table-model", "table-memory", "table-step", "table-phases", "table-cost",
                            "table-goodput", "table-inputs"})
    EXPECT_NE(dom.find(std::string("id=\"") + table + "\""), std::string::npos) << table;
}

}  // namespace
}  // namespace moeplan::reports
