// docs/configuration.md must list exactly the rows of config::configSchema(), with the same
// defaults. Doc format: a row is a markdown table line whose first cell is a backticked
// variable name; the first backticked text of the second cell is the default, and a second
// cell without backticked text means an empty default.
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/config_schema.h"

namespace cirrus::config {
namespace {

struct DocRow {
  std::string name;
  std::string default_value;
};

std::string trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return std::string(s);
}

/// Cells of a markdown table line; "\|" does not split.
std::vector<std::string> cells(std::string_view line) {
  std::vector<std::string> out;
  std::string cur;
  for (size_t i = 1; i < line.size(); ++i) {  // line[0] is the leading '|'
    if (line[i] == '\\' && i + 1 < line.size() && line[i + 1] == '|') {
      cur += '|';
      ++i;
    } else if (line[i] == '|') {
      out.push_back(trimmed(cur));
      cur.clear();
    } else {
      cur += line[i];
    }
  }
  return out;
}

bool isVariableName(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

std::vector<DocRow> parseDocRows(const std::string& markdown) {
  std::vector<DocRow> rows;
  std::istringstream in(markdown);
  std::string line;
  while (std::getline(in, line)) {
    auto t = trimmed(line);
    if (t.empty() || t[0] != '|') continue;
    auto c = cells(t);
    if (c.size() < 2) continue;
    const auto& first = c[0];
    if (first.size() < 3 || first.front() != '`' || first.back() != '`') continue;
    auto name = first.substr(1, first.size() - 2);
    if (!isVariableName(name)) continue;
    DocRow row{name, ""};
    auto open = c[1].find('`');
    if (open != std::string::npos) {
      auto close = c[1].find('`', open + 1);
      if (close != std::string::npos) row.default_value = c[1].substr(open + 1, close - open - 1);
    }
    rows.push_back(row);
  }
  return rows;
}

std::string readFile(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

TEST(ConfigDocTest, ParserReadsVariableRowsAndIgnoresOtherTables) {
  auto rows = parseDocRows(
      "# Title\n"
      "| variable | default | meaning |\n"
      "|---|---|---|\n"
      "| `REDIS_URL` | `redis://h:1/0` | Redis \\| more |\n"
      "| `EMPTY_ONE` |  | nothing |\n"
      "| `DASHED` | — (unset) | no backticks: empty |\n"
      "| not a row | `x` | y |\n"
      "| `lower_case` | `x` | not a variable |\n"
      "text `NOT_A_ROW` outside a table\n");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].name, "REDIS_URL");
  EXPECT_EQ(rows[0].default_value, "redis://h:1/0");
  EXPECT_EQ(rows[1].name, "EMPTY_ONE");
  EXPECT_EQ(rows[1].default_value, "");
  EXPECT_EQ(rows[2].name, "DASHED");
  EXPECT_EQ(rows[2].default_value, "");
}

TEST(ConfigDocTest, DocumentListsExactlyTheSchemaRowsWithTheirDefaults) {
  const std::string path = CIRRUS_SOURCE_DIR "/docs/configuration.md";
  auto text = readFile(path);
  ASSERT_FALSE(text.empty()) << path << " is missing or empty";
  auto rows = parseDocRows(text);

  std::map<std::string, std::string> documented;
  for (const auto& r : rows) {
    EXPECT_TRUE(documented.emplace(r.name, r.default_value).second)
        << r.name << " is documented twice in " << path;
  }
  std::set<std::string> in_schema;
  for (const auto& var : configSchema()) {
    std::string name(var.name);
    in_schema.insert(name);
    auto it = documented.find(name);
    if (it == documented.end()) {
      ADD_FAILURE() << name << " is in config_schema.cc but missing from " << path;
      continue;
    }
    EXPECT_EQ(it->second, var.default_value) << "default of " << name << " in " << path;
  }
  for (const auto& [name, _] : documented) {
    EXPECT_TRUE(in_schema.contains(name))
        << name << " is documented in " << path << " but not in config_schema.cc";
  }
}

TEST(ConfigDocTest, SchemaNamesAreUniqueAndFindable) {
  std::set<std::string_view> seen;
  for (const auto& var : configSchema()) {
    EXPECT_TRUE(seen.insert(var.name).second) << var.name << " appears twice in the schema";
    EXPECT_EQ(findConfigVar(var.name), &var);
    EXPECT_FALSE(var.doc.empty()) << var.name << " has no doc line";
    EXPECT_NE(var.roles, 0u) << var.name << " is read by no role";
  }
  EXPECT_EQ(findConfigVar("NO_SUCH_VARIABLE"), nullptr);
}

}  // namespace
}  // namespace cirrus::config
