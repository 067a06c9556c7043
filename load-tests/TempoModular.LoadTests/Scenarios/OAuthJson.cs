using System.Text.Json;

namespace TempoModular.LoadTests.Scenarios;

/// <summary>Reads the few members the scenarios need from OAuth JSON responses, without building a document.</summary>
internal static class OAuthJson
{
    public static string? StringOf(ReadOnlySpan<byte> json, ReadOnlySpan<byte> property)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals(property))
                {
                    reader.Read();
                    return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }
            }
        }
        catch (JsonException)
        {
        }

        return null;
    }

    public static bool? BooleanOf(ReadOnlySpan<byte> json, ReadOnlySpan<byte> property)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals(property))
                {
                    reader.Read();
                    return reader.TokenType switch { JsonTokenType.True => true, JsonTokenType.False => false, _ => null };
                }
            }
        }
        catch (JsonException)
        {
        }

        return null;
    }

    /// <summary>The OAuth <c>error</c> of an error response (RFC 6749 §5.2), if the body is one.</summary>
    public static string? ErrorOf(ReadOnlySpan<byte> body) => body.IsEmpty ? null : StringOf(body, "error"u8);

    /// <summary>The <c>error</c> of a bearer challenge (RFC 6750 §3): <c>Bearer error="invalid_token", ...</c>.</summary>
    public static string? BearerErrorOf(string? wwwAuthenticate)
    {
        if (string.IsNullOrEmpty(wwwAuthenticate))
        {
            return null;
        }

        const string marker = "error=\"";
        var start = wwwAuthenticate.IndexOf(marker, StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }

        start += marker.Length;
        var end = wwwAuthenticate.IndexOf('"', start);
        return end < 0 ? null : wwwAuthenticate[start..end];
    }

    public static string? AccessTokenMissing(ReadOnlySpan<byte> body) =>
        StringOf(body, "access_token"u8) is { Length: > 0 } ? null : "no_access_token";

    public static string? RefreshTokenMissing(ReadOnlySpan<byte> body) =>
        StringOf(body, "refresh_token"u8) is { Length: > 0 } ? null : "no_refresh_token";

    public static string? NotActive(ReadOnlySpan<byte> body) =>
        BooleanOf(body, "active"u8) == true ? null : "inactive";
}
