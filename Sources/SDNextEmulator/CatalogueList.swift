import Foundation

/// The `NAME,NAME` lists of `--models`/`--loras`, and Easel's `;`-separated per-emulator form of them.
public enum CatalogueList {
    /// `"a, b,c"` → `["a", "b", "c"]`; blanks around names are dropped, empty names are not names.
    public static func names(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// One list per emulator: `"a,b;c"` gives emulator 1 `a,b` and emulator 2 `c`; a list without `;` is
    /// every emulator's. Throws when the number of `;`-separated lists is not the number of emulators.
    public static func perEmulator(_ text: String, count: Int) throws(CatalogueListError) -> [[String]] {
        let lists = text.split(separator: ";", omittingEmptySubsequences: false).map { names(String($0)) }
        if lists.count == 1 { return Array(repeating: lists[0], count: count) }
        guard lists.count == count else { throw CatalogueListError(lists: lists.count, emulators: count) }
        return lists
    }
}

/// A `;`-separated catalogue with a list count that does not match the emulator count.
public struct CatalogueListError: Error, CustomStringConvertible {
    public let lists: Int
    public let emulators: Int
    public var description: String { "\(lists) ';'-separated lists for \(emulators) emulators" }
}
