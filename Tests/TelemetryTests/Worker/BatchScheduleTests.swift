@testable import Telemetry
import Testing

/// The batching decisions alone: no tasks, no clock, no I/O.
@Suite("BatchSchedule")
struct BatchScheduleTests {
    let start = ContinuousClock.now

    func schedule(queue: Int = 100, batch: Int = 4, delay: Duration = .seconds(5)) -> BatchSchedule<Int> {
        BatchSchedule(limits: .init(maxQueueSize: queue, maxBatchSize: batch, scheduleDelay: delay))
    }

    func exported(_ action: BatchSchedule<Int>.WorkerAction) -> [Int]? {
        if case .export(let items) = action { return items }
        return nil
    }

    func waitDeadline(_ action: BatchSchedule<Int>.WorkerAction) -> ContinuousClock.Instant?? {
        if case .wait(let deadline) = action { return .some(deadline) }
        return nil
    }

    @Test("an idle worker waits without a deadline, and the first item wakes it to start the delay")
    func firstItemStartsTheDelay() {
        var schedule = schedule()
        let step1 = schedule.nextAction(now: start)
        #expect(waitDeadline(step1) == .some(nil))
        let first = schedule.append(1)
        let second = schedule.append(2)
        #expect(first == .wakeWorker)
        #expect(second == .none, "one wake-up is already on its way")
        schedule.workerResumed()
        let waiting = schedule.nextAction(now: start)
        #expect(waitDeadline(waiting) == .some(start.advanced(by: .seconds(5))))
        let third = schedule.append(3)
        #expect(third == .none, "a worker with a deadline needs no wake-up for a partial batch")
        let due = schedule.nextAction(now: start.advanced(by: .seconds(5)))
        #expect(exported(due) == [1, 2, 3])
    }

    @Test("1,536 items reaching a waiting worker signal it once, not once per item")
    func oneWakeUp() {
        var schedule = schedule(queue: 4096, batch: 512)
        let idle = schedule.nextAction(now: start)
        #expect(waitDeadline(idle) == .some(nil))
        let first = schedule.append(0)
        #expect(first == .wakeWorker, "the first item wakes the idle worker")
        schedule.workerResumed()
        _ = schedule.nextAction(now: start)
        let wakes = (1..<1536).map { schedule.append($0) }.filter { $0 == .wakeWorker }.count
        #expect(wakes == 1, "crossing the batch size signals once until the worker runs")
        let step2 = schedule.nextAction(now: start)
        #expect(exported(step2)?.count == 512)
        let step3 = schedule.nextAction(now: start)
        #expect(exported(step3)?.count == 512)
        let step4 = schedule.nextAction(now: start)
        #expect(exported(step4)?.count == 512)
    }

    @Test("a full queue drops and counts; the count is reported once")
    func bounded() {
        var schedule = schedule(queue: 10, batch: 5)
        let actions = (0..<25).map { schedule.append($0) }
        #expect(actions.filter { $0 == .dropped }.count == 15)
        #expect(schedule.queue.count == 10)
        let step5 = schedule.takeDropped()
        #expect(step5 == 15)
        let step6 = schedule.takeDropped()
        #expect(step6 == 0)
    }

    @Test("a flush is a marker: it is reached only when every item before it has settled, in order")
    func flushMarker() {
        var schedule = schedule(batch: 3)
        for item in 0..<5 { _ = schedule.append(item) }
        let (marker, _) = schedule.requestFlush()
        #expect(marker == 5)
        for item in 5..<7 { _ = schedule.append(item) }
        let step7 = schedule.nextAction(now: start)
        #expect(exported(step7) == [0, 1, 2])
        let step8 = schedule.nextAction(now: start)
        #expect(exported(step8) == [3, 4, 5], "the flush exports without waiting for the delay")
        let step9 = schedule.settle(3)
        #expect(step9)
        #expect(!schedule.hasSettled(through: 5), "items 3 and 4 are still being exported")
        let step10 = schedule.settle(3)
        #expect(step10)
        #expect(schedule.hasSettled(through: 5))
        let step11 = schedule.nextAction(now: start)
        #expect(waitDeadline(step11) != nil, "item 6 came after the flush: it waits for its delay")
    }

    @Test("a flush with nothing unsettled needs no marker")
    func emptyFlush() {
        var schedule = schedule()
        let flush = schedule.requestFlush()
        #expect(flush.marker == nil)
    }

    @Test("a zero delay exports whatever the worker sees, one wake-up per batch")
    func zeroDelay() {
        var schedule = schedule(delay: .zero)
        _ = schedule.nextAction(now: start)
        let step12 = schedule.append(1)
        #expect(step12 == .wakeWorker)
        schedule.workerResumed()
        let step13 = schedule.nextAction(now: start)
        #expect(exported(step13) == [1])
        let step14 = schedule.nextAction(now: start)
        #expect(waitDeadline(step14) == .some(nil), "an empty queue waits: no spinning")
    }

    @Test("shutdown exports what is queued, refuses new items, then stops")
    func shutdown() {
        var schedule = schedule(batch: 4)
        for item in 0..<6 { _ = schedule.append(item) }
        _ = schedule.shutDown()
        let step15 = schedule.append(99)
        #expect(step15 == .dropped)
        let step16 = schedule.nextAction(now: start)
        #expect(exported(step16) == [0, 1, 2, 3])
        let step17 = schedule.nextAction(now: start)
        #expect(exported(step17) == [4, 5])
        let step18 = schedule.nextAction(now: start)
        #expect(waitDeadline(step18) != nil, "it waits while exports are unsettled")
        let step19 = schedule.settle(4)
        #expect(step19)
        let step20 = schedule.settle(2)
        #expect(step20)
        guard case .stop = schedule.nextAction(now: start) else {
            Issue.record("a drained schedule stops")
            return
        }
    }

    @Test("abandoning counts the queue and the running export as dropped, once")
    func abandon() {
        var schedule = schedule(batch: 4)
        for item in 0..<10 { _ = schedule.append(item) }
        let (marker, _) = schedule.requestFlush()
        let step21 = schedule.nextAction(now: start)
        #expect(exported(step21)?.count == 4)
        let step22 = schedule.abandon()
        #expect(step22 == 10)
        #expect(schedule.hasSettled(through: marker ?? 0), "no flush waits for an abandoned item")
        let step23 = schedule.settle(4)
        #expect(!step23, "the running export was counted already")
        #expect(schedule.queue.isEmpty)
    }
}
