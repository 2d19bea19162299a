/// An instrument whose values callbacks report at each collection: an observable counter, up-down counter or gauge.
///
/// A callback reports through the ``Observations`` it is given. One that throws is reported once and skipped; the
/// other callbacks, and the collection, go on.
public struct ObservableInstrument<Value: MetricValue>: Sendable {
    let storage: ObservableInstrumentStorage<Value>?

    /// Adds a callback that reports this instrument's values at each collection.
    @discardableResult
    public func addCallback(_ callback: @escaping @Sendable (inout Observations<Value>) throws -> Void)
        -> ObservableCallbackRegistration
    {
        guard let storage else { return ObservableCallbackRegistration(remove: {}) }
        let id = storage.add(callback)
        return ObservableCallbackRegistration(remove: { storage.remove(id) })
    }
}

/// A registered callback; ``unregister()`` stops it being called.
public struct ObservableCallbackRegistration: Sendable {
    private let remove: @Sendable () -> Void

    init(remove: @escaping @Sendable () -> Void) {
        self.remove = remove
    }

    /// Stops calling the callback. Calling it again does nothing.
    public func unregister() {
        remove()
    }
}
