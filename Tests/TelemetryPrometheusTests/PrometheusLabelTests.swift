import Testing

@testable import TelemetryPrometheus

/// Label names, per the specification's "Metric Attributes" and "Instrumentation Scope".
@Suite("Prometheus labels")
struct PrometheusLabelTests {
    @Test(
        "attribute keys become label names of [a-zA-Z0-9_], with runs of _ collapsed",
        arguments: [
            ("http.request.method", "http_request_method"),
            ("http.response.status_code", "http_response_status_code"),
            ("server.address", "server_address"),
            ("a-b/c d", "a_b_c_d"),
            ("a..b", "a_b"),
            ("a__b", "a_b"),
            ("a:b", "a_b"),
            ("_private", "_private"),
            ("trailing.", "trailing_"),
            ("Straße", "Stra_e"),
            ("service.instance.id", "service_instance_id"),
        ]
    )
    func sanitisation(key: String, expected: String) {
        #expect(PrometheusName.labelName(forAttributeKey: key) == expected)
    }

    @Test(
        "no key can produce a name reserved for Prometheus (__ prefix)",
        arguments: [
            ("__name__", "_name_"),
            ("__address__", "_address_"),
            ("__meta_x", "_meta_x"),
            ("..name", "_name"),
            ("._.x", "_x"),
        ]
    )
    func reservedPrefix(key: String, expected: String) throws {
        let name = try #require(PrometheusName.labelName(forAttributeKey: key))
        #expect(name == expected)
        #expect(!name.hasPrefix("__"))
    }

    @Test("a key starting with a digit gets key_ in front", arguments: [("123", "key_123"), ("1.a", "key_1_a")])
    func leadingDigit(key: String, expected: String) {
        #expect(PrometheusName.labelName(forAttributeKey: key) == expected)
    }

    @Test("a key with nothing usable left is dropped", arguments: ["", "_", "...", "日本"])
    func unusable(key: String) {
        #expect(PrometheusName.labelName(forAttributeKey: key) == nil)
        #expect(PrometheusName.labels(for: [(key: key, value: "v")]).isEmpty)
    }

    @Test("keys that map to the same label join their values with ; in the order of the original keys")
    func collisions() {
        // `foo.bar` < `foo/bar` < `foo_bar` byte by byte ('.' 0x2E, '/' 0x2F, '_' 0x5F): the input order must not
        // matter.
        let attributes: [(key: String, value: String)] = [
            (key: "foo_bar", value: "underscore"),
            (key: "other", value: "x"),
            (key: "foo.bar", value: "dot"),
            (key: "foo/bar", value: "slash"),
        ]
        let expected = [
            PrometheusLabel(name: "foo_bar", value: "dot;slash;underscore"),
            PrometheusLabel(name: "other", value: "x"),
        ]
        #expect(PrometheusName.labels(for: attributes) == expected)
        #expect(PrometheusName.labels(for: attributes.reversed()) == expected)
    }

    @Test("labels added by the exporter merge with colliding attributes the same way")
    func collisionWithScopeLabel() {
        let labels = PrometheusName.labels(for: [
            (key: "otel.scope.name", value: "from-attribute"),
            (key: PrometheusName.scopeNameLabel, value: "my.library"),
        ])
        #expect(labels == [PrometheusLabel(name: "otel_scope_name", value: "from-attribute;my.library")])
    }

    @Test("labels come sorted by name, whatever the attribute order")
    func sorted() {
        let labels = PrometheusName.labels(for: [
            (key: "z", value: "1"), (key: "a.b", value: "2"), (key: "M", value: "3"), (key: "a", value: "4"),
        ])
        #expect(labels.map(\.name) == ["M", "a", "a_b", "z"])
        #expect(labels.map(\.value) == ["3", "4", "2", "1"])
    }

    @Test("scope attributes are prefixed with otel_scope_, and dropped when they would clash with the scope's own")
    func scopeAttributes() {
        #expect(PrometheusName.labelName(forScopeAttributeKey: "library.mascot") == "otel_scope_library_mascot")
        #expect(PrometheusName.labelName(forScopeAttributeKey: "name") == nil)
        #expect(PrometheusName.labelName(forScopeAttributeKey: "version") == nil)
        #expect(PrometheusName.labelName(forScopeAttributeKey: "schema.url") == nil)
        #expect(PrometheusName.labelName(forScopeAttributeKey: "schema_url") == nil)
        #expect(PrometheusName.labelName(forScopeAttributeKey: "name.x") == "otel_scope_name_x")
    }
}
