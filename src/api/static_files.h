// Files the API serves from disk: the admin UI (STATIC_DIR, SPA fallback to index.html) and
// Swagger UI (swagger-ui-dist from npm, served at /docs without any CDN). Only regular files
// below the configured root are served; ".." segments and hidden files are refused.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cirrus::api {

/// The admin UI directory: `configured` when set; else web/dist (the Vite build of web/src,
/// made by `scripts/install-web-deps`) found by walking up from the directory of the running
/// binary (a build tree inside the repository) or <prefix>/share/cirrus/web/dist next to an
/// installed binary, provided it holds an index.html; "" otherwise (the API then serves a
/// built-in page).
std::string resolveStaticDir(std::string_view configured);

/// node_modules/swagger-ui-dist under the repository's web/ directory, found the same way;
/// "" when `scripts/install-web-deps` has not been run.
std::string resolveSwaggerDir();

struct StaticFile {
  std::string body;
  std::string content_type;
};

/// The file `relative` (a URL path without the leading "/", percent-decoded) under `root`;
/// nullopt when it is not a regular file there, or when the path is unsafe.
std::optional<StaticFile> readStaticFile(std::string_view root, std::string_view relative);

/// Content-Type by extension (html, js, css, json, png, svg, ico, map, txt, woff2 ...).
std::string_view contentTypeFor(std::string_view path);

/// The admin page shown when no STATIC_DIR and no built web/dist is found.
std::string_view builtinIndexHtml();

/// The /docs page: Swagger UI from /docs/*, pointed at /openapi.json.
std::string_view swaggerIndexHtml();

}  // namespace cirrus::api
