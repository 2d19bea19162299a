import Testing
import TelemetryViewer

@Suite struct ModelTests {
    @Test func serviceNameFallsBackToUnknownService() {
        #expect(ReceivedResource().serviceName == "unknown_service")
        #expect(ReceivedResource(attributes: [KeyValue("service.name", .string("orders"))]).serviceName == "orders")
    }
}
