/// The discovery methods `--method` names, with their settings. A new method is a type conforming to
/// `DiscoveryMethod` in its own folder, listed here.
public struct MethodSettings: Sendable, Equatable {
    public var pruning = PruningConfiguration()
    /// ACDC's threshold on the rise in divergence (`--tau`).
    public var acdcThreshold = ACDC.defaultThreshold
    public var acdcMetric = ACDC.Metric.l2
    /// EAP-IG's integration points (`--ig-steps`).
    public var integrationSteps = EdgeAttribution.defaultIntegrationSteps

    public init() {}
}

public enum Methods {
    public static let ids = ["edge-pruning", "acdc", "eap", "eap-ig", "patching", "random"]

    public static func make(_ id: String, settings: MethodSettings = MethodSettings()) -> (any DiscoveryMethod)? {
        switch id {
        case "edge-pruning": return EdgePruning(configuration: settings.pruning)
        case "acdc": return ACDC(threshold: settings.acdcThreshold, metric: settings.acdcMetric)
        case "eap": return EdgeAttribution(integrationSteps: 0)
        case "eap-ig": return EdgeAttribution(integrationSteps: max(1, settings.integrationSteps))
        case "patching": return EdgePatching()
        case "random": return RandomScores()
        default: return nil
        }
    }
}
