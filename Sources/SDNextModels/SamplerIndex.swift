/// txt2img's and img2img's `sampler_index`, declared `int | str`: A1111 clients send a sampler's name in it.
/// SD.Next reads it only when `sampler_name` is empty, and only a name selects a sampler.
public enum SamplerIndex: Sendable, Codable, Equatable {
    case index(Int)
    case name(String)

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let name = try? container.decode(String.self) {
            self = .name(name)
        } else {
            self = .index(try container.decode(Int.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .index(let index): try container.encode(index)
        case .name(let name): try container.encode(name)
        }
    }
}
