import Synchronization

/// What the in-memory exporters share: exported items in order, and waiters for a count of them.
final class InMemoryStore<Item: Sendable>: Sendable {
    private struct State {
        var items: [Item] = []
        var exportCount = 0
        var isShutdown = false
        var waiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let state = Mutex(State())

    var items: [Item] { state.withLock { $0.items } }
    var exportCount: Int { state.withLock { $0.exportCount } }
    var isShutdown: Bool { state.withLock { $0.isShutdown } }

    func reset() {
        state.withLock { $0.items.removeAll() }
    }

    func append(_ batch: [Item]) {
        let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.items += batch
            state.exportCount += 1
            let total = state.items.count
            let ready = state.waiters.filter { $0.count <= total }.map(\.continuation)
            state.waiters.removeAll { $0.count <= total }
            return ready
        }
        ready.forEach { $0.resume() }
    }

    func shutdown() {
        state.withLock { $0.isShutdown = true }
    }

    func wait(count: Int, timeout: Duration) async -> [Item] {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let ready = self.state.withLock { state -> Bool in
                        if state.items.count >= count { return true }
                        state.waiters.append((count, continuation))
                        return false
                    }
                    if ready { continuation.resume() }
                }
            }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
            self.releaseWaiters()
        }
        return items
    }

    private func releaseWaiters() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            defer { state.waiters.removeAll() }
            return state.waiters.map(\.continuation)
        }
        waiters.forEach { $0.resume() }
    }
}
