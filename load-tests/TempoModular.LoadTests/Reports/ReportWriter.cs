namespace TempoModular.LoadTests.Reports;

internal static class ReportWriter
{
    /// <summary>Writes report.md, report.json and report.html into <paramref name="directory"/>; returns their paths.</summary>
    public static IReadOnlyList<string> Write(LoadReport report, string directory)
    {
        Directory.CreateDirectory(directory);
        var files = new (string Name, string Content)[]
        {
            ("report.md", MarkdownReport.Render(report)),
            ("report.json", JsonReport.Render(report)),
            ("report.html", HtmlReport.Render(report)),
        };
        foreach (var (name, content) in files)
        {
            File.WriteAllText(Path.Combine(directory, name), content);
        }

        return files.Select(f => Path.Combine(directory, f.Name)).ToList();
    }

    /// <summary>load-tests/reports/&lt;timestamp&gt;/ of the repository the runner is started in (or below).</summary>
    public static string DefaultDirectory(DateTimeOffset startedAt)
    {
        var root = new DirectoryInfo(Environment.CurrentDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "TempoModular.sln")))
        {
            root = root.Parent;
        }

        return Path.Combine(root?.FullName ?? Environment.CurrentDirectory, "load-tests", "reports", startedAt.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture));
    }
}
