/// Names and label names that the specification fixes, and the character rules behind every Prometheus name.
///
/// Source: the OpenTelemetry specification, `compatibility/prometheus_and_openmetrics.md`, "OTLP Metric points to
/// Prometheus" (sections "Metric Metadata", "Instrumentation Scope", "Histograms", "Metric Attributes", "Exemplar
/// Conversion" and "Resource Attributes"), and OpenMetrics 1.0 for the sample suffixes.
package enum PrometheusName {
    /// The label carrying the instrumentation scope's name, on every sample by default.
    package static let scopeNameLabel = "otel_scope_name"
    /// The label carrying the instrumentation scope's version, on every sample by default.
    package static let scopeVersionLabel = "otel_scope_version"
    /// The label carrying the instrumentation scope's schema URL, on every sample by default.
    package static let scopeSchemaURLLabel = "otel_scope_schema_url"
    /// The prefix of the labels carrying the instrumentation scope's attributes.
    package static let scopeAttributeLabelPrefix = "otel_scope_"

    /// The family name of the info metric that carries the resource's attributes. It is `target` in OpenMetrics,
    /// exposed as `target_info`; in 0.0.4, which has no info type, it is the gauge `target_info` with value 1. Build
    /// it with `PrometheusMetricName(name: targetInfoFamily, unit: "", kind: .info)`.
    package static let targetInfoFamily = "target"
    /// The name under which the resource's attributes are exposed in either format.
    package static let targetInfoMetric = "target_info"
    /// The HELP text OpenMetrics gives the target info metric in its example.
    package static let targetInfoHelp = "Target metadata"

    /// The label of a histogram bucket's upper bound.
    package static let bucketBoundLabel = "le"
    /// The label of a summary's quantile.
    package static let quantileLabel = "quantile"
    /// The exemplar label carrying the trace id.
    package static let exemplarTraceIDLabel = "trace_id"
    /// The exemplar label carrying the span id.
    package static let exemplarSpanIDLabel = "span_id"

    /// Ends a counter's sample name.
    package static let totalSuffix = "_total"
    /// Ends an info metric's sample name.
    package static let infoSuffix = "_info"
    /// Ends a histogram's bucket samples.
    package static let bucketSuffix = "_bucket"
    /// Ends a histogram's or summary's sum sample.
    package static let sumSuffix = "_sum"
    /// Ends a histogram's or summary's count sample.
    package static let countSuffix = "_count"
    /// Ends the OpenMetrics sample carrying a counter's, histogram's or summary's start time.
    package static let createdSuffix = "_created"

    // MARK: Metric names

    /// `name` with every character outside `[a-zA-Z0-9_:]` replaced by `_` and every run of `_` made one `_`.
    ///
    /// Leading and trailing `_` are kept, as the specification asks for no more; a leading digit is handled by
    /// ``PrometheusMetricName``, which must see the whole name first.
    package static func sanitizedMetricName(_ name: String) -> String {
        sanitized(name, keeping: isMetricCharacter)
    }

    // MARK: Label names

    /// The label name for the attribute `key`, or `nil` when nothing usable is left (an empty key, or one made only
    /// of characters that all become `_`), in which case the attribute is dropped.
    ///
    /// - Characters outside `[a-zA-Z0-9_]` become `_` and runs of `_` become one `_` (specification, "Metric
    ///   Attributes"). `http.request.method` → `http_request_method`.
    /// - Names starting with `__` are reserved for Prometheus' own use (`__name__` is the metric's name), and the
    ///   collapsing above already keeps a key from producing one: `__name__` → `_name_`. This is deliberate: the Go
    ///   translator keeps `__x__` as is, which would let an attribute overwrite a sample's name.
    /// - A key starting with a digit gets `key_` in front, as the Go and collector translators do.
    package static func labelName(forAttributeKey key: String) -> String? {
        var name = sanitized(key, keeping: isLabelCharacter)
        if let first = name.unicodeScalars.first, isDigit(first) {
            name = "key_" + name
        }
        return hasNonUnderscore(name) ? name : nil
    }

    /// The label name for the instrumentation scope attribute `key`: `otel_scope_` and the key, converted as any
    /// attribute key; `nil` when it would be `otel_scope_name`, `otel_scope_version` or `otel_scope_schema_url`,
    /// which the specification says MUST then be dropped ("Instrumentation Scope").
    package static func labelName(forScopeAttributeKey key: String) -> String? {
        guard let name = labelName(forAttributeKey: scopeAttributeLabelPrefix + key),
            name != scopeNameLabel, name != scopeVersionLabel, name != scopeSchemaURLLabel
        else { return nil }
        return name
    }

    /// The labels for `attributes`, given as keys and values already written as strings, sorted by label name.
    ///
    /// Keys that convert to the same label name share one label whose value is their values joined with `;`, in
    /// the lexicographical order of the original keys, compared byte by byte in UTF-8 (specification, "Metric
    /// Attributes"). Labels this module adds, such as `otel_scope_name`, take part in the same merge when the caller
    /// passes them in `attributes` under their label names. Keys that leave no usable name are dropped.
    package static func labels(for attributes: some Sequence<(key: String, value: String)>) -> [PrometheusLabel] {
        let ordered = attributes.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        var labels: [PrometheusLabel] = []
        labels.reserveCapacity(ordered.count)
        var positions: [String: Int] = [:]
        for (key, value) in ordered {
            guard let name = labelName(forAttributeKey: key) else { continue }
            if let position = positions[name] {
                labels[position].value += ";" + value
            } else {
                positions[name] = labels.count
                labels.append(PrometheusLabel(name: name, value: value))
            }
        }
        labels.sort { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        return labels
    }

    // MARK: Characters

    /// Whether `scalar` may appear in a metric name: `[a-zA-Z0-9_:]`.
    static func isMetricCharacter(_ scalar: Unicode.Scalar) -> Bool {
        isLabelCharacter(scalar) || scalar == ":"
    }

    /// Whether `scalar` may appear in a label name: `[a-zA-Z0-9_]`.
    static func isLabelCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "_": true
        default: false
        }
    }

    static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        ("0"..."9").contains(scalar)
    }

    /// Whether `text` has a character other than `_`; a name of underscores only says nothing and is refused.
    static func hasNonUnderscore(_ text: String) -> Bool {
        text.utf8.contains { $0 != UInt8(ascii: "_") }
    }

    /// `text` with every run of `_` made one `_`.
    static func collapsingUnderscores(_ text: String) -> String {
        sanitized(text, keeping: { _ in true })
    }

    static func trimmingTrailingUnderscores(_ text: String) -> String {
        var text = text
        while text.hasSuffix("_") {
            text.removeLast()
        }
        return text
    }

    /// `text` with each Unicode scalar that `keeping` refuses replaced by `_`, and runs of `_` collapsed.
    ///
    /// It works on scalars rather than characters so that `é` written as `e` and a combining accent gives `e_`, the
    /// same as the Go translator, which works on runes.
    private static func sanitized(_ text: String, keeping: (Unicode.Scalar) -> Bool) -> String {
        var result = String.UnicodeScalarView()
        var lastWasUnderscore = false
        for scalar in text.unicodeScalars {
            let kept = keeping(scalar) ? scalar : "_"
            if kept == "_" {
                if lastWasUnderscore { continue }
                lastWasUnderscore = true
            } else {
                lastWasUnderscore = false
            }
            result.append(kept)
        }
        return String(result)
    }
}

/// One label of a sample: a valid label name and its value, not yet escaped.
package struct PrometheusLabel: Sendable, Hashable {
    /// The label name, matching `[a-zA-Z_][a-zA-Z0-9_]*`.
    package var name: String
    /// The value, as the attribute gave it; escape it with ``PrometheusText/escapedLabelValue(_:)`` when writing.
    package var value: String

    /// A label named `name` with `value`.
    package init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
