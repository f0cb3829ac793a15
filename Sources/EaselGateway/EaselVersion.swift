/// The release `GET /sdapi/v1/version` and `platform` name beside the SD.Next releases behind the pool.
public enum EaselVersion {
    public static let current = "0.12.0"
}
