/// The discovery methods `--method` names, with their settings. A new method is a type conforming to
/// `DiscoveryMethod` in its own folder, listed here.
public struct MethodSettings: Sendable, Equatable {
    public var pruning = PruningConfiguration()

    public init() {}
}

public enum Methods {
    public static let ids = ["edge-pruning"]

    public static func make(_ id: String, settings: MethodSettings = MethodSettings()) -> (any DiscoveryMethod)? {
        switch id {
        case "edge-pruning": return EdgePruning(configuration: settings.pruning)
        default: return nil
        }
    }
}
