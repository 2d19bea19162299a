import Synchronization

/// Which kind of swift-metrics handle a handler serves. It is part of the cache key because one label may name
/// several kinds of handle, and each becomes its own instrument.
enum SwiftMetricsKind: UInt8, Sendable, Hashable {
    case counter
    case floatingPointCounter
    case meter
    case aggregatingRecorder
    case gaugeRecorder
    case timer
}

/// A handler's identity in ``SwiftMetricsHandlerCache``: its kind, its label and its dimensions as given.
///
/// The dimensions are compared in the order the caller gave them, not sorted: sorting would cost an allocation on
/// every lookup, and frameworks pass the same dimensions in the same order. Two orders of one set make two cache
/// entries that share one series, which is still correct.
struct SwiftMetricsHandlerKey: Hashable, Sendable {
    let kind: SwiftMetricsKind
    let label: String
    let dimensions: [(String, String)]

    static func == (lhs: SwiftMetricsHandlerKey, rhs: SwiftMetricsHandlerKey) -> Bool {
        lhs.kind == rhs.kind && lhs.label == rhs.label
            && lhs.dimensions.elementsEqual(rhs.dimensions) { $0.0 == $1.0 && $0.1 == $1.1 }
    }

    /// The label and the dimensions' values, not their keys: a label's dimension keys rarely vary and its values do,
    /// so the keys would add hashing to every lookup (which frameworks make per request) and hardly any spread.
    /// Keys that do differ still compare unequal.
    func hash(into hasher: inout Hasher) {
        hasher.combine(Int(kind.rawValue) << 32 | dimensions.count)
        hasher.combine(label)
        for (_, value) in dimensions {
            hasher.combine(value)
        }
    }
}

/// A handler the factory makes: a class that knows its own cache key, so that `destroy` can find it.
protocol SwiftMetricsHandler: AnyObject, Sendable {
    var key: SwiftMetricsHandlerKey { get }
}

/// The handlers made so far, so that making a handle again for the same label and dimensions (as frameworks do per
/// request) costs one lookup instead of building attributes and finding the series.
///
/// The cache holds at most `capacity` handlers. When it is full, a new handler replaces an arbitrary one (the first
/// in the dictionary's order, which is effectively random), so a burst of one-off dimensions cannot pin the cache
/// forever. An evicted handler keeps working for whoever still holds it: it is bound to the same series as the
/// handler that replaces it, so nothing recorded is lost.
final class SwiftMetricsHandlerCache: Sendable {
    let capacity: Int
    private let handlers: Mutex<[SwiftMetricsHandlerKey: any SwiftMetricsHandler]>

    /// - Parameter capacity: The most handlers kept; 0 keeps none.
    init(capacity: Int) {
        self.capacity = max(0, capacity)
        self.handlers = Mutex([:])
    }

    /// The number of handlers kept.
    var count: Int { handlers.withLock { $0.count } }

    /// The cached handler of `key`, or the one `make` returns, which is cached.
    func handler<Handler: SwiftMetricsHandler>(for key: SwiftMetricsHandlerKey, make: () -> Handler) -> Handler {
        if let cached = handlers.withLock({ $0[key] }) as? Handler { return cached }
        // Made outside the lock: making a handler registers an instrument and binds a series, under locks of their
        // own, and a slow first creation must not hold up every lookup.
        let made = make()
        guard capacity > 0 else { return made }
        return handlers.withLock { handlers in
            // Another task may have made one meanwhile: keep the first, so every caller shares one handler.
            if let cached = handlers[key] as? Handler { return cached }
            if handlers.count >= capacity, let victim = handlers.keys.first {
                handlers[victim] = nil
            }
            handlers[key] = made
            return made
        }
    }

    /// Forgets `handler`, unless the cache holds another one under its key.
    func remove(_ handler: any SwiftMetricsHandler) {
        handlers.withLock { handlers in
            guard let cached = handlers[handler.key], cached === handler else { return }
            handlers[handler.key] = nil
        }
    }
}
