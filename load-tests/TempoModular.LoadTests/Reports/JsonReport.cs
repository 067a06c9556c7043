using System.Text.Json;
using System.Text.Json.Serialization;

namespace TempoModular.LoadTests.Reports;

/// <summary>The report for scripts: every figure, the time series and the checks.</summary>
internal static class JsonReport
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static string Render(LoadReport report) => JsonSerializer.Serialize(report, Options);
}
