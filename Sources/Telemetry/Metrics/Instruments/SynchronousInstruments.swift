/// Adds non-negative amounts, such as requests served. Make one with ``Meter/makeCounter(_:name:unit:description:)``.
public struct Counter<Value: MetricValue>: Sendable {
    let storage: SyncInstrumentStorage?

    /// Adds `value` to the series of `attributes`. A negative value is ignored: a counter never goes down.
    ///
    /// On a hot path, build `attributes` once, or ``bind(_:)`` them.
    public func add(_ value: Value, attributes: AttributeSet = .empty) {
        guard value >= Value._zero else { return }
        storage?.record(value._numberValue, attributes: attributes)
    }

    /// The series of `attributes`, to add to without finding it again: no lock and no allocation.
    public func bind(_ attributes: AttributeSet) -> BoundCounter<Value> {
        BoundCounter(storage: storage?.bind(attributes))
    }
}

/// One series of a ``Counter``.
public struct BoundCounter<Value: MetricValue>: Sendable {
    let storage: BoundInstrumentStorage?

    /// Adds `value`. A negative value is ignored.
    public func add(_ value: Value) {
        guard value >= Value._zero else { return }
        storage?.record(value._numberValue)
    }
}

/// Adds amounts that may be negative, such as items in a queue. Make one with
/// ``Meter/makeUpDownCounter(_:name:unit:description:)``.
public struct UpDownCounter<Value: MetricValue>: Sendable {
    let storage: SyncInstrumentStorage?

    /// Adds `value`, which may be negative, to the series of `attributes`.
    public func add(_ value: Value, attributes: AttributeSet = .empty) {
        storage?.record(value._numberValue, attributes: attributes)
    }

    /// The series of `attributes`, to add to without finding it again.
    public func bind(_ attributes: AttributeSet) -> BoundUpDownCounter<Value> {
        BoundUpDownCounter(storage: storage?.bind(attributes))
    }
}

/// One series of an ``UpDownCounter``.
public struct BoundUpDownCounter<Value: MetricValue>: Sendable {
    let storage: BoundInstrumentStorage?

    /// Adds `value`, which may be negative.
    public func add(_ value: Value) {
        storage?.record(value._numberValue)
    }
}

/// Records values whose distribution matters, such as request durations. Make one with
/// ``Meter/makeHistogram(_:name:unit:description:explicitBucketBoundaries:)``.
public struct Histogram<Value: MetricValue>: Sendable {
    let storage: SyncInstrumentStorage?

    /// Records `value` in the series of `attributes`. NaN and infinities are not recorded.
    public func record(_ value: Value, attributes: AttributeSet = .empty) {
        storage?.record(value._numberValue, attributes: attributes)
    }

    /// The series of `attributes`, to record into without finding it again: a lock of that series only.
    public func bind(_ attributes: AttributeSet) -> BoundHistogram<Value> {
        BoundHistogram(storage: storage?.bind(attributes))
    }
}

/// One series of a ``Histogram``.
public struct BoundHistogram<Value: MetricValue>: Sendable {
    let storage: BoundInstrumentStorage?

    /// Records `value`. NaN and infinities are not recorded.
    public func record(_ value: Value) {
        storage?.record(value._numberValue)
    }
}

/// Records the current value, such as a temperature. Make one with ``Meter/makeGauge(_:name:unit:description:)``.
public struct Gauge<Value: MetricValue>: Sendable {
    let storage: SyncInstrumentStorage?

    /// Sets the series of `attributes` to `value`.
    public func record(_ value: Value, attributes: AttributeSet = .empty) {
        storage?.record(value._numberValue, attributes: attributes)
    }

    /// The series of `attributes`, to set without finding it again.
    public func bind(_ attributes: AttributeSet) -> BoundGauge<Value> {
        BoundGauge(storage: storage?.bind(attributes))
    }
}

/// One series of a ``Gauge``.
public struct BoundGauge<Value: MetricValue>: Sendable {
    let storage: BoundInstrumentStorage?

    /// Sets the series to `value`.
    public func record(_ value: Value) {
        storage?.record(value._numberValue)
    }
}
