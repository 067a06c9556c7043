using System.Globalization;
using System.Net;
using System.Text;

namespace TempoModular.LoadTests.Reports;

internal sealed record ChartSeries(string Name, string Color, IReadOnlyList<(double X, double Y)> Points);

/// <summary>
/// Line charts drawn as inline SVG, so the HTML report needs nothing from
/// anywhere: a time axis in seconds, a value axis from zero, one polyline per
/// series and the unmeasured start (ramp and warm-up) shaded.
/// </summary>
internal static class SvgChart
{
    private const double Width = 720, Height = 240, Left = 64, Right = 16, Top = 30, Bottom = 34;

    public static string Line(string title, string unit, IReadOnlyList<ChartSeries> series, double measuredFrom)
    {
        var points = series.SelectMany(s => s.Points).ToList();
        var maxX = Math.Max(1, points.Count == 0 ? 1 : points.Max(p => p.X));
        var maxY = NiceCeiling(points.Count == 0 ? 1 : points.Max(p => p.Y));
        double X(double x) => Left + x / maxX * (Width - Left - Right);
        double Y(double y) => Height - Bottom - y / maxY * (Height - Top - Bottom);

        var svg = new StringBuilder();
        svg.Append(Invariant($"<svg viewBox=\"0 0 {Width} {Height}\" width=\"{Width}\" height=\"{Height}\" role=\"img\" aria-label=\"{Encode(title)}\">"));
        svg.Append(Invariant($"<text x=\"{Left}\" y=\"18\" class=\"title\">{Encode(title)} ({Encode(unit)})</text>"));

        if (measuredFrom > 0)
        {
            var shadeEnd = X(Math.Min(measuredFrom, maxX));
            svg.Append(Invariant($"<rect x=\"{Left}\" y=\"{Top}\" width=\"{shadeEnd - Left:0.#}\" height=\"{Height - Top - Bottom}\" class=\"unmeasured\"><title>ramp and warm-up, not measured</title></rect>"));
        }

        for (var i = 0; i <= 4; i++)
        {
            var value = maxY * i / 4;
            var y = Y(value);
            svg.Append(Invariant($"<line x1=\"{Left}\" y1=\"{y:0.#}\" x2=\"{Width - Right}\" y2=\"{y:0.#}\" class=\"grid\"/>"));
            svg.Append(Invariant($"<text x=\"{Left - 6}\" y=\"{y + 4:0.#}\" class=\"axis\" text-anchor=\"end\">{value:#,0.##}</text>"));
        }

        var step = NiceCeiling(maxX / 6);
        for (var x = 0.0; x <= maxX + 1e-9; x += step)
        {
            svg.Append(Invariant($"<text x=\"{X(x):0.#}\" y=\"{Height - Bottom + 16}\" class=\"axis\" text-anchor=\"middle\">{x:0.#}</text>"));
        }

        svg.Append(Invariant($"<text x=\"{Width - Right}\" y=\"{Height - 4}\" class=\"axis\" text-anchor=\"end\">seconds</text>"));

        var legendX = Width - Right;
        foreach (var line in series.Reverse())
        {
            legendX -= 14 + 7 * line.Name.Length;
            svg.Append(Invariant($"<rect x=\"{legendX:0.#}\" y=\"9\" width=\"10\" height=\"10\" fill=\"{line.Color}\"/>"));
            svg.Append(Invariant($"<text x=\"{legendX + 13:0.#}\" y=\"18\" class=\"axis\">{Encode(line.Name)}</text>"));
            legendX -= 8;
        }

        foreach (var line in series.Where(s => s.Points.Count > 0))
        {
            svg.Append(Invariant($"<polyline fill=\"none\" stroke=\"{line.Color}\" stroke-width=\"1.5\" points=\""));
            foreach (var (x, y) in line.Points)
            {
                svg.Append(Invariant($"{X(x):0.#},{Y(y):0.#} "));
            }

            svg.Append("\"/>");
        }

        return svg.Append("</svg>").ToString();
    }

    /// <summary>The next 1, 2 or 5 times a power of ten at or above <paramref name="value"/>.</summary>
    internal static double NiceCeiling(double value)
    {
        if (!(value > 0))
        {
            return 1;
        }

        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(value)));
        foreach (var factor in new[] { 1.0, 2, 5, 10 })
        {
            if (factor * magnitude >= value * (1 - 1e-12))
            {
                return factor * magnitude;
            }
        }

        return 10 * magnitude;
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
