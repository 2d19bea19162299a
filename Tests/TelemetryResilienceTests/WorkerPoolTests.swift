import Synchronization
import Telemetry
@testable import TelemetryResilience
import TelemetryTesting
import Testing
import Tracing

@Suite("Worker pool")
struct WorkerPoolTests {
    let harness = Harness()

    func pool(maxConcurrency: Int = 2, queueLimit: Int = 10) throws -> WorkerPool {
        try WorkerPool(
            name: "thumbnails", maxConcurrency: maxConcurrency, queueLimit: queueLimit,
            tracer: harness.tracer, meter: harness.meter, clock: harness.clock)
    }

    func rejected(_ reason: String) -> Double? {
        harness.value("resilience.worker_pool.tasks.rejected", ["worker_pool.rejection.reason": reason])
    }

    @Test("at most maxConcurrency tasks run; the rest wait in the queue; the metrics show both; results come back typed")
    func boundedConcurrency() async throws {
        let pool = try pool(maxConcurrency: 2)
        let started = Arrivals()
        let release = Gate()
        let runner = Task { try await pool.run() }
        let results = try await withThrowingTaskGroup(of: Int.self, returning: [Int].self) { group in
            for index in 0..<6 {
                group.addTask {
                    try await pool.submit("render") {
                        started.arrive()
                        await release.wait()
                        return index * 10
                    }
                }
            }
            await started.wait(for: 2)
            await pool.waitUntil(queueLength: 4)
            #expect(pool.activeTasks == 2 && started.count == 2, "a third task started while two ran")
            #expect(harness.value("resilience.worker_pool.queue.length", ["worker_pool.name": "thumbnails"]) == 4)
            #expect(harness.value("resilience.worker_pool.tasks.active", ["worker_pool.name": "thumbnails"]) == 2)
            release.open()
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.sorted() == [0, 10, 20, 30, 40, 50])
        #expect(started.count == 6)
        #expect(harness.histogram("resilience.worker_pool.task.duration", ["worker_pool.task.outcome": "success"])?.count == 6)
        pool.shutdown()
        try await runner.value
        #expect(pool.activeTasks == 0 && pool.queueLength == 0)
        #expect(harness.value("resilience.worker_pool.queue.length") == 0)
        #expect(harness.value("resilience.worker_pool.tasks.active") == 0)
    }

    @Test("queue length and active tasks are additive: observable up-down counters, not gauges")
    func metricKinds() throws {
        let pool = try pool()
        for name in ["resilience.worker_pool.queue.length", "resilience.worker_pool.tasks.active"] {
            let metric = try #require(harness.metric(name))
            guard case .sum(let sum) = metric.points else {
                Issue.record("\(name) is not a sum")
                continue
            }
            #expect(!sum.isMonotonic && metric.unit == "{task}")
        }
        _ = pool
    }

    @Test("each task is a span, a child of the submitter's span; a failing task's error reaches the submitter and the span")
    func spans() async throws {
        let pool = try pool()
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await pool.run() }
            let requestSpan = try await harness.tracer.withSpan("GET /orders") { span in
                let value = try await pool.submit("render") { "ok" }
                #expect(value == "ok")
                await #expect(throws: Failure.self) { try await pool.submit("resize") { throw Failure() } }
                return span.context.spanContext
            }
            let request = try #require(requestSpan)
            let render = try #require(harness.spans.named("render").first)
            #expect(render.parentSpanID == request.spanID && render.spanContext.traceID == request.traceID)
            #expect(render.attribute("worker_pool.name") == .string("thumbnails"))
            #expect(render.status?.code != .error)
            let resize = try #require(harness.spans.named("resize").first)
            #expect(resize.parentSpanID == request.spanID)
            #expect(resize.status?.code == .error)
            #expect(resize.events.map(\.name) == ["exception"])
            #expect(harness.histogram("resilience.worker_pool.task.duration", [
                "worker_pool.task.outcome": "failure", "error.type": String(reflecting: Failure.self),
            ])?.count == 1)
            pool.shutdown()
        }
    }

    @Test("past the queue limit a task is refused and counted")
    func queueFull() async throws {
        let pool = try pool(maxConcurrency: 1, queueLimit: 1)
        let started = Gate()
        let release = Gate()
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await pool.run() }
            group.addTask { try await pool.submit { started.open(); await release.wait() } }
            await started.wait()
            group.addTask { try await pool.submit { } }
            await pool.waitUntil(queueLength: 1)
            await #expect(throws: WorkerPoolError.queueFull(limit: 1)) { try await pool.submit { } }
            #expect(harness.value("resilience.worker_pool.tasks.rejected", ["worker_pool.rejection.reason": "queue_full"]) == 1)
            release.open()
            pool.shutdown()
        }
        #expect(pool.queueLength == 0 && pool.activeTasks == 0)
    }

    @Test("cancelling the submitter cancels its running task, and the pool goes on")
    func cancelRunningTask() async throws {
        let pool = try pool(maxConcurrency: 1)
        let clock = harness.clock
        let sawCancellation = Mutex(false)
        let runner = Task { try await pool.run() }
        let submitter = Task {
            try await pool.submit {
                do {
                    try await clock.sleep(for: .seconds(3600))
                } catch {
                    sawCancellation.withLock { $0 = error is CancellationError }
                    throw error
                }
            }
        }
        await clock.waitForSleepers(count: 1)
        submitter.cancel()
        await #expect(throws: CancellationError.self) { try await submitter.value }
        #expect(sawCancellation.withLock { $0 })
        #expect(harness.histogram("resilience.worker_pool.task.duration", ["worker_pool.task.outcome": "cancelled"])?.count == 1)
        // Decided, and documented: a cancelled task's span records the cancellation and has an error status.
        let span = try #require(harness.spans.named("thumbnails").first)
        #expect(span.status?.code == .error && span.events.map(\.name) == ["exception"])
        #expect(try await pool.submit { 7 } == 7, "the pool still runs tasks")
        pool.shutdown()
        try await runner.value
        #expect(pool.activeTasks == 0)
        #expect(rejected("cancelled") == nil || rejected("cancelled") == 0, "a task that ran is no drop")
    }

    @Test("a task that answers its cancellation with an error of its own is measured as cancelled, not failed")
    func cancelledWithOwnError() async throws {
        let pool = try pool(maxConcurrency: 1)
        let clock = harness.clock
        let runner = Task { try await pool.run() }
        let submitter = Task { try await pool.submit { try await clock.sleepUntilCancelledThrowingInterrupted() } }
        await clock.waitForSleepers(count: 1)
        submitter.cancel()
        await #expect(throws: Interrupted.self) { try await submitter.value }
        #expect(harness.histogram("resilience.worker_pool.task.duration", ["worker_pool.task.outcome": "cancelled"])?.count == 1)
        #expect(harness.histogram("resilience.worker_pool.task.duration", ["worker_pool.task.outcome": "failure"]) == nil)
        pool.shutdown()
        try await runner.value
    }

    @Test("cancelling the submitter of a queued task removes it unrun")
    func cancelQueuedTask() async throws {
        let pool = try pool(maxConcurrency: 1)
        let started = Gate()
        let release = Gate()
        let ran = Mutex(false)
        let runner = Task { try await pool.run() }
        let first = Task { try await pool.submit { started.open(); await release.wait() } }
        await started.wait()
        let second = Task { try await pool.submit { ran.withLock { $0 = true } } }
        await pool.waitUntil(queueLength: 1)
        second.cancel()
        await #expect(throws: CancellationError.self) { try await second.value }
        #expect(pool.queueLength == 0)
        #expect(rejected("cancelled") == 1, "the dropped task is counted")
        release.open()
        try await first.value
        #expect(ran.withLock { $0 } == false)
        pool.shutdown()
        try await runner.value
    }

    @Test("cancelling run() cancels the running tasks, fails and counts the queued ones, and returns only when no task runs")
    func cancelRun() async throws {
        let pool = try pool(maxConcurrency: 1)
        let clock = harness.clock
        let finished = Mutex(false)
        let runner = Task { try await pool.run() }
        let running = Task {
            try await pool.submit {
                defer { finished.withLock { $0 = true } }
                try await clock.sleep(for: .seconds(3600))
            }
        }
        await clock.waitForSleepers(count: 1)
        let queued = Task { try await pool.submit { 1 } }
        await pool.waitUntil(queueLength: 1)
        runner.cancel()
        try await runner.value
        #expect(finished.withLock { $0 }, "run() returned while a task still ran")
        #expect(pool.activeTasks == 0 && pool.queueLength == 0)
        await #expect(throws: CancellationError.self) { try await running.value }
        // Its submitter was not cancelled; the pool was.
        await #expect(throws: WorkerPoolError.shutDown) { try await queued.value }
        #expect(rejected("shut_down") == 1, "the dropped task is counted")
        await #expect(throws: WorkerPoolError.shutDown) { try await pool.submit { 1 } }
        await #expect(throws: WorkerPoolError.shutDown) { try await pool.run() }
    }

    @Test("shutdown refuses new tasks, runs those queued, then run() returns")
    func shutdownDrains() async throws {
        let pool = try pool(maxConcurrency: 1)
        let started = Gate()
        let release = Gate()
        let runner = Task { try await pool.run() }
        let first = Task { try await pool.submit { started.open(); await release.wait(); return 1 } }
        await started.wait()
        let second = Task { try await pool.submit { 2 } }
        await pool.waitUntil(queueLength: 1)
        pool.shutdown()
        await #expect(throws: WorkerPoolError.shutDown) { try await pool.submit { 3 } }
        #expect(harness.value("resilience.worker_pool.tasks.rejected", ["worker_pool.rejection.reason": "shut_down"]) == 1)
        release.open()
        #expect(try await first.value == 1)
        #expect(try await second.value == 2)
        try await runner.value
        let other = try self.pool()
        let otherRunner = Task { try await other.run() }
        #expect(try await other.submit { 0 } == 0)
        await #expect(throws: WorkerPoolError.alreadyRunning) { try await other.run() }
        other.shutdown()
        try await otherRunner.value
    }

    @Test("task durations are measured on the pool's clock")
    func durationOnClock() async throws {
        let pool = try pool()
        let clock = harness.clock
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await pool.run() }
            let submit = Task { try await pool.submit { try await clock.sleep(for: .milliseconds(1500)) } }
            await clock.waitForSleepers(count: 1)
            clock.advance(by: .milliseconds(1500))
            // The duration is recorded before the submitter is resumed.
            try await submit.value
            let point = harness.histogram("resilience.worker_pool.task.duration", ["worker_pool.task.outcome": "success"])
            #expect(point?.count == 1 && point?.sum == 1.5)
            pool.shutdown()
        }
    }

    @Test("withPool runs the pool for the body and leaves no task behind")
    func withPool() async throws {
        let clock = harness.clock
        let total = try await WorkerPool.withPool(name: "sum", maxConcurrency: 3, queueLimit: 100, tracer: harness.tracer, clock: clock) { pool in
            try await withThrowingTaskGroup(of: Int.self) { group in
                for value in 1...20 { group.addTask { try await pool.submit { value } } }
                return try await group.reduce(0, +)
            }
        }
        #expect(total == 210)
        #expect(harness.spans.named("sum").count == 20)
    }

    @Test("withPool whose body returns at once (before the pool's run() has started) returns the body's value")
    func withPoolEmptyBody() async throws {
        // The race is between the body's return and the runner's start; a few rounds make losing it certain.
        for round in 0..<20 {
            let value = try await WorkerPool.withPool(name: "empty", maxConcurrency: 1, queueLimit: 1) { _ in round }
            #expect(value == round)
        }
    }

    @Test("a pool shut down before run() starts runs what was queued, then run() returns; it cannot run again")
    func shutdownBeforeRun() async throws {
        let pool = try pool(maxConcurrency: 1)
        let queued = Task { try await pool.submit { 5 } }
        await pool.waitUntil(queueLength: 1)
        pool.shutdown()
        await #expect(throws: WorkerPoolError.shutDown) { try await pool.submit { 6 } }
        try await pool.run()
        #expect(try await queued.value == 5)
        #expect(pool.activeTasks == 0 && pool.queueLength == 0)
        await #expect(throws: WorkerPoolError.shutDown) { try await pool.run() }
    }

    @Test("run() while a shut-down pool drains is refused as already running")
    func secondRunWhileDraining() async throws {
        let pool = try pool(maxConcurrency: 1)
        let started = Gate()
        let release = Gate()
        let first = Task { try await pool.submit { started.open(); await release.wait() } }
        let runner = Task { try await pool.run() }
        await started.wait()
        pool.shutdown()
        await #expect(throws: WorkerPoolError.alreadyRunning) { try await pool.run() }
        release.open()
        try await first.value
        try await runner.value
    }

    @Test("out-of-range limits are refused when the pool is made")
    func invalidConfiguration() {
        #expect(throws: ResilienceConfigurationError.self) { try WorkerPool(name: "p", maxConcurrency: 0, queueLimit: 1) }
        #expect(throws: ResilienceConfigurationError.self) { try WorkerPool(name: "p", maxConcurrency: 1, queueLimit: -1) }
    }
}
