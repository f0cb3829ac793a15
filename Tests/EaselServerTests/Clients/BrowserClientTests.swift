import EaselTesting
import Foundation
import Testing

/// The HTML test client at `/`, driven in headless Chromium by `Tests/Browser/drive_test_client.py`: connect,
/// submit through the form, see 100 % and a decoded image, see a rejection, see the server go away.
@Suite(.timeLimit(.minutes(3)), .enabled(if: ClientTools.browserTestsEnabled))
struct BrowserClientTests {
    @Test func thePageFollowsAJobShowsARejectionAndNoticesTheServerStopping() async throws {
        try #require(ClientTools.hasBrowser,
                     "chromium, chromedriver and selenium are needed: apt-get install chromium chromium-driver; pip install selenium")
        let driver = ClientTools.packageRoot.appendingPathComponent("Tests/Browser/drive_test_client.py").path
        let screenshot = ProcessInfo.processInfo.environment["EASEL_SCREENSHOT_PATH"]
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("easel-screenshot-\(UUID().uuidString).png").path
        try await withEmulators(count: 1, stepMilliseconds: 40) { emulators in
            try await withBackgroundHub(backends: emulators.map(\.baseURL)) { hub, stop in
                try await withChildProcess(ClientTools.env, ["python3", driver, hub.baseURL + "/", "--screenshot", screenshot]) { browser in
                    try await browser.waitFor("READY_TO_STOP", within: 120)
                    try await stop()
                    let status = try await browser.exitStatus(within: 90)
                    #expect(status == 0, "\(browser.output)\n\(browser.errors)")
                    #expect(browser.output.contains("browser: completed: progress 100 %"))
                    #expect(browser.output.contains("browser: metrics panel:"))
                    #expect(browser.output.contains("browser: rejected submission shown: steps"))
                    #expect(browser.output.contains("browser: disconnected after the server stopped"))
                }
            }
        }
        let png = try Data(contentsOf: URL(fileURLWithPath: screenshot))
        #expect(Array(png.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
    }
}
