/// Follows the parent's sampling decision, and asks a root sampler when there is no parent.
///
/// Each of the five cases has its own delegate, as the specification describes; the defaults keep sampled parents'
/// children and drop unsampled parents' children.
public struct ParentBasedSampler: Sampler {
    /// Decides for spans without a valid parent.
    public var root: any Sampler
    /// Decides when the parent came from another process and is sampled.
    public var remoteParentSampled: any Sampler
    /// Decides when the parent came from another process and is not sampled.
    public var remoteParentNotSampled: any Sampler
    /// Decides when the parent is in this process and is sampled.
    public var localParentSampled: any Sampler
    /// Decides when the parent is in this process and is not sampled.
    public var localParentNotSampled: any Sampler

    /// Creates the sampler.
    public init(
        root: any Sampler,
        remoteParentSampled: any Sampler = AlwaysOnSampler(),
        remoteParentNotSampled: any Sampler = AlwaysOffSampler(),
        localParentSampled: any Sampler = AlwaysOnSampler(),
        localParentNotSampled: any Sampler = AlwaysOffSampler()
    ) {
        self.root = root
        self.remoteParentSampled = remoteParentSampled
        self.remoteParentNotSampled = remoteParentNotSampled
        self.localParentSampled = localParentSampled
        self.localParentNotSampled = localParentNotSampled
    }

    public func shouldSample(_ parameters: SamplingParameters) -> SamplingResult {
        guard let parent = parameters.parentSpanContext, parent.isValid else {
            return root.shouldSample(parameters)
        }
        switch (parent.isRemote, parent.isSampled) {
        case (true, true): return remoteParentSampled.shouldSample(parameters)
        case (true, false): return remoteParentNotSampled.shouldSample(parameters)
        case (false, true): return localParentSampled.shouldSample(parameters)
        case (false, false): return localParentNotSampled.shouldSample(parameters)
        }
    }

    public var description: String {
        "ParentBased{root:\(root),remoteParentSampled:\(remoteParentSampled),"
            + "remoteParentNotSampled:\(remoteParentNotSampled),localParentSampled:\(localParentSampled),"
            + "localParentNotSampled:\(localParentNotSampled)}"
    }
}
