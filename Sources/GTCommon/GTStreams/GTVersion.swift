/// The version every tool reports (`--version`, stream headers, User-Agent).
public enum GTVersion {
    public static let current = "0.1.0"
}
