using System.Net;
using System.Text.RegularExpressions;

namespace TempoModular.LoadTests.Setup;

internal sealed record HtmlInput(string Name, string Type, string Value);

internal sealed record HtmlButton(string? Name, string? Value);

/// <summary>
/// The forms of a server-rendered page, read the way a browser would submit
/// them. Enough for the sign-in and consent pages; not a general HTML parser.
/// </summary>
internal sealed partial record HtmlForm(string Method, Uri Action, IReadOnlyList<HtmlInput> Inputs, IReadOnlyList<HtmlButton> Buttons)
{
    public IEnumerable<HtmlInput> Hidden => Inputs.Where(i => i.Type == "hidden");

    public HtmlInput? Password => Inputs.FirstOrDefault(i => i.Type == "password");

    /// <summary>The visible text field before the password: the user name, whatever the page calls it.</summary>
    public HtmlInput? UserName => Inputs.FirstOrDefault(i => i.Type is "text" or "email");

    public static IReadOnlyList<HtmlForm> Parse(string html, Uri page)
    {
        var forms = new List<HtmlForm>();
        foreach (Match form in FormPattern().Matches(html))
        {
            var attributes = Attributes(form.Groups["attributes"].Value);
            var content = form.Groups["content"].Value;
            var action = attributes.GetValueOrDefault("action");
            var inputs = InputPattern().Matches(content)
                .Select(m => Attributes(m.Groups["attributes"].Value))
                .Where(a => a.ContainsKey("name"))
                .Select(a => new HtmlInput(a["name"], (a.GetValueOrDefault("type") ?? "text").ToLowerInvariant(), a.GetValueOrDefault("value") ?? ""))
                .ToList();
            var buttons = ButtonPattern().Matches(content)
                .Select(m => Attributes(m.Groups["attributes"].Value))
                .Select(a => new HtmlButton(a.GetValueOrDefault("name"), a.GetValueOrDefault("value")))
                .ToList();
            forms.Add(new HtmlForm(
                (attributes.GetValueOrDefault("method") ?? "get").ToUpperInvariant(),
                string.IsNullOrEmpty(action) ? page : new Uri(page, action),
                inputs,
                buttons));
        }

        return forms;
    }

    public static string? TitleOf(string html) =>
        TitlePattern().Match(html) is { Success: true } match ? WebUtility.HtmlDecode(match.Groups["title"].Value.Trim()) : null;

    private static Dictionary<string, string> Attributes(string text)
    {
        var attributes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (Match attribute in AttributePattern().Matches(text))
        {
            var value = attribute.Groups["double"].Success ? attribute.Groups["double"].Value
                : attribute.Groups["single"].Success ? attribute.Groups["single"].Value
                : attribute.Groups["bare"].Value;
            attributes.TryAdd(attribute.Groups["name"].Value, WebUtility.HtmlDecode(value));
        }

        return attributes;
    }

    [GeneratedRegex(@"<form\b(?<attributes>[^>]*)>(?<content>.*?)</form>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex FormPattern();

    [GeneratedRegex(@"<input\b(?<attributes>[^>]*)>", RegexOptions.IgnoreCase)]
    private static partial Regex InputPattern();

    [GeneratedRegex(@"<button\b(?<attributes>[^>]*)>", RegexOptions.IgnoreCase)]
    private static partial Regex ButtonPattern();

    [GeneratedRegex(@"(?<name>[\w:.-]+)(?:\s*=\s*(?:""(?<double>[^""]*)""|'(?<single>[^']*)'|(?<bare>[^\s""'>]+)))?", RegexOptions.IgnoreCase)]
    private static partial Regex AttributePattern();

    [GeneratedRegex(@"<title>(?<title>.*?)</title>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex TitlePattern();
}
