#include "api/static_files.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

namespace cirrus::api {
namespace fs = std::filesystem;

namespace {

constexpr uintmax_t kMaxStaticFileBytes = 16 * 1024 * 1024;

// Walks up from the running binary's directory looking for `relative`.
std::string findUpwards(const fs::path& relative) {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return {};
  fs::path dir = exe.parent_path();
  for (int i = 0; i < 8 && !dir.empty(); ++i) {
    fs::path candidate = dir / relative;
    if (fs::is_directory(candidate, ec)) return candidate.string();
    fs::path installed = dir / "share" / "cirrus" / relative;
    if (fs::is_directory(installed, ec)) return installed.string();
    if (dir == dir.parent_path()) break;
    dir = dir.parent_path();
  }
  return {};
}

bool safeRelative(std::string_view rel) {
  if (rel.empty()) return false;
  size_t start = 0;
  while (start <= rel.size()) {
    size_t end = rel.find('/', start);
    if (end == std::string_view::npos) end = rel.size();
    std::string_view seg = rel.substr(start, end - start);
    if (seg.empty() || seg.front() == '.' || seg.find('\\') != std::string_view::npos ||
        seg.find('\0') != std::string_view::npos) {
      return false;
    }
    start = end + 1;
  }
  return true;
}

}  // namespace

std::string resolveStaticDir(std::string_view configured) {
  if (!configured.empty()) return std::string(configured);
  // A web/dist without index.html is a build in progress (Vite empties the directory first) or
  // a failed one; the built-in page is better than a 404 for every path.
  std::string dist = findUpwards(fs::path("web") / "dist");
  std::error_code ec;
  if (dist.empty() || !fs::is_regular_file(fs::path(dist) / "index.html", ec)) return {};
  return dist;
}

std::string resolveSwaggerDir() {
  return findUpwards(fs::path("web") / "node_modules" / "swagger-ui-dist");
}

std::optional<StaticFile> readStaticFile(std::string_view root, std::string_view relative) {
  if (root.empty() || !safeRelative(relative)) return std::nullopt;
  fs::path path = fs::path(root) / fs::path(relative);
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return std::nullopt;
  auto size = fs::file_size(path, ec);
  if (ec || size > kMaxStaticFileBytes) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream buf;
  buf << in.rdbuf();
  return StaticFile{buf.str(), std::string(contentTypeFor(relative))};
}

std::string_view contentTypeFor(std::string_view path) {
  auto ends = [&](std::string_view ext) { return path.ends_with(ext); };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".js") || ends(".mjs")) return "text/javascript; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".json") || ends(".map")) return "application/json";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".png")) return "image/png";
  if (ends(".ico")) return "image/x-icon";
  if (ends(".woff2")) return "font/woff2";
  if (ends(".txt")) return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

std::string_view builtinIndexHtml() {
  return R"(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Cirrus CDN</title></head>
<body><h1>Cirrus CDN</h1>
<p>The admin UI is not built: run <code>scripts/install-web-deps</code> (it builds web/dist),
or set STATIC_DIR. The REST API is under <code>/api/v1</code>;
see <a href="/docs">/docs</a> and <a href="/openapi.json">/openapi.json</a>.</p>
</body></html>
)";
}

std::string_view swaggerIndexHtml() {
  return R"(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Cirrus API docs</title>
<link rel="stylesheet" href="/docs/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script>
window.ui = SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui"});
</script></body></html>
)";
}

}  // namespace cirrus::api
