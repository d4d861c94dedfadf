// Prometheus text exposition format 0.0.4: name validation, escaping and number formatting.
// Pure functions used by the registry's render(); exposed so tests can pin each rule.
// Format reference: prometheus.io/docs/instrumenting/exposition_formats ("Text format details").
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace cirrus::metrics::text {

/// Metric names: [a-zA-Z_:][a-zA-Z0-9_:]*
bool isValidMetricName(std::string_view name);

/// Label names: [a-zA-Z_][a-zA-Z0-9_]* and not starting with "__" (reserved by Prometheus).
bool isValidLabelName(std::string_view name);

/// Label value escaping: `\` -> `\\`, `"` -> `\"`, newline -> `\n`. Bytes that are not valid
/// UTF-8 become U+FFFD, because Prometheus rejects the whole scrape on one invalid value.
void appendLabelValue(std::string& out, std::string_view value);

/// HELP text escaping: `\` -> `\\`, newline -> `\n` (quotes stay as they are).
void appendHelp(std::string& out, std::string_view help);

/// Sample values as Prometheus parses them: shortest round-trip decimal ("0.1", "5",
/// "1e-05"), and "+Inf", "-Inf", "NaN" for the non-finite values.
void appendValue(std::string& out, double value);
void appendValue(std::string& out, uint64_t value);

/// `name="value",...` for the given pairs, without braces; names are taken as valid.
void appendLabelPairs(std::string& out, std::span<const std::string> names,
                      std::span<const std::string> values);

}  // namespace cirrus::metrics::text
