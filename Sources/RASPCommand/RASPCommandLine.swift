import Foundation
public enum RASPCommandLine {
    public static func run(_ args: [String]) -> Never { exit(0) }
}
