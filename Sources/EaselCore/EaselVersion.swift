/// Easel's release: what `easel --version` prints and the SD.Next gateway's `version` and `platform` report beside
/// the SD.Next releases behind the pool. The minor number counts the delivered steps of the plan (the gateway is
/// the twelfth).
public enum EaselVersion {
    public static let current = "0.12.0"
}
