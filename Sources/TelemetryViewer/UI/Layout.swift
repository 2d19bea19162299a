/// The frame every page shares: a nav bar, the page's title and the viewer's own stylesheet and script.
enum Layout {
    /// The nav bar's sections, with the path prefix that marks each active.
    enum Section: String, CaseIterable {
        case services = "Services"
        case search = "Traces"
        case metrics = "Metrics"
        case logs = "Logs"

        var path: String {
            switch self {
            case .services: "/"
            case .search: "/search"
            case .metrics: "/metrics"
            case .logs: "/logs"
            }
        }
    }

    /// A complete document. `title` is plain text (escaped here); `body` is HTML the page built.
    static func page(title: String, section: Section?, body: String) -> String {
        let links = Section.allCases.map { (item) -> String in
            let current = item == section ? " class=\"active\" aria-current=\"page\"" : ""
            return "<a href=\"\(item.path)\"\(current)>\(item.rawValue)</a>"
        }.joined()
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(HTML.escape(title)) · Telemetry Viewer</title>
            <link rel="stylesheet" href="\(Assets.cssPath)">
            </head>
            <body>
            <header class="nav"><a class="brand" href="/">Telemetry Viewer</a><nav>\(links)</nav></header>
            <main>
            <h1>\(HTML.escape(title))</h1>
            \(body)
            </main>
            <script src="\(Assets.scriptPath)"></script>
            </body>
            </html>
            """
    }

    /// A notice in place of results, e.g. when nothing matched.
    static func empty(_ message: String) -> String {
        "<p class=\"empty\">\(HTML.escape(message))</p>"
    }
}
