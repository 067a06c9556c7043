using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using TempoModular.Administration.Api;
using TempoModular.Applications;

namespace TempoModular.Administration.Pages.Settings.OAuthApplications;

/// <summary>
/// The body of <c>POST /api/admin/applications</c> and <c>PUT /api/admin/applications/{clientId}</c>
/// (where the client type cannot change). Nothing is required here: the registry
/// says what is missing, in the same words as on the pages.
/// </summary>
internal sealed class ApplicationRequest
{
    [Description("1 to 100 characters, unique among the applications (ignoring case).")]
    public string? Name { get; init; }

    [Description("1 to 10 absolute URLs: https, or http on 127.0.0.1, [::1] or localhost; no fragment, no wildcard. Kept exactly as given.")]
    public string?[]? RedirectUrls { get; init; }

    [Description("\"public\" or \"confidential\"; fixed at registration (on PUT, leave it out or repeat it).")]
    public string? ClientType { get; init; }

    [Description("Any of \"authorization_code\" (the default), \"refresh_token\" (with authorization_code), \"client_credentials\" (confidential clients only).")]
    public string?[]? GrantTypes { get; init; }

    [Description("This application's token lifetimes in seconds, overriding the server's defaults. Left out or null: the server's defaults on POST; "
        + "on PUT, the application keeps the lifetimes it has. An object replaces all three: a lifetime left out or null there is the server's default, so {} returns to the defaults.")]
    public TokenLifetimesRequest? TokenLifetimes { get; init; }

    [Description("Whether the authorization-code flow must use PKCE (RFC 7636). Always true for public clients. Left out or null: true on POST "
        + "(PKCE protects a code intercepted on its way back); on PUT, the application keeps its setting. False lets a confidential client use Tempo's flow without PKCE.")]
    public bool? RequirePkce { get; init; }
}

/// <summary>Token lifetimes in whole seconds, the unit of OAuth's <c>expires_in</c> (RFC 6749 §5.1); null is the server's default.</summary>
internal sealed class TokenLifetimesRequest
{
    [Description("60 to 86400 (1 minute to 24 hours).")]
    public long? AccessToken { get; init; }

    [Description("3600 to 31536000 (1 hour to 365 days).")]
    public long? RefreshToken { get; init; }

    [Description("10 to 600 (10 seconds to 10 minutes).")]
    public long? AuthorizationCode { get; init; }

    // Collected to be refused, not dropped like unknown fields elsewhere: a
    // misspelt "access_token" would leave the application on the server's
    // default lifetime without a word.
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; init; }
}

/// <summary>An application's own token lifetimes in seconds; null where it uses the server's default.</summary>
[Description("This application's own token lifetimes in seconds; null where it uses the server's default.")]
internal sealed record TokenLifetimesJson(long? AccessToken, long? RefreshToken, long? AuthorizationCode);

/// <summary>A registered application (never its secret).</summary>
internal sealed record ApplicationJson(
    string ClientId,
    string Name,
    IReadOnlyList<string> RedirectUrls,
    string ClientType,
    IReadOnlyList<string> GrantTypes,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    DateTimeOffset UpdatedAt,
    string UpdatedBy,
    DateTimeOffset? PreviousSecretValidUntil,
    TokenLifetimesJson TokenLifetimes,
    bool RequirePkce);

/// <summary>Client id and client secret; the secret is null for public clients.</summary>
internal sealed record CredentialsJson(string ClientId, string? ClientSecret, DateTimeOffset? PreviousSecretValidUntil);

/// <summary>Between the registry's applications and the API's JSON, and the registry's refusals as problem details (RFC 9457).</summary>
internal static class ApplicationJsonMapping
{
    public static string ClientTypeName(ClientType type) => type switch
    {
        ClientType.Public => "public",
        ClientType.Confidential => "confidential",
        _ => type.ToString().ToLowerInvariant(),
    };

    /// <summary>
    /// "public" or "confidential", in any case. Anything else goes to the registry
    /// as an undefined client type, so the refusal is in the registry's words.
    /// </summary>
    public static ClientType ParseClientType(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "public" => ClientType.Public,
        "confidential" => ClientType.Confidential,
        _ => (ClientType)(-1),
    };

    /// <summary>A JSON array as the registry takes it: missing is empty; null entries go as they are, for the registry to refuse by index.</summary>
    public static string[] Values(string?[]? values) => values is null ? [] : Array.ConvertAll(values, v => v!);

    public static ApplicationJson ToJson(ApplicationDetails a) => new(
        a.ClientId, a.Name, a.RedirectUrls, ClientTypeName(a.ClientType), a.GrantTypes, a.CreatedAt, Display.UserName(a.CreatedBy), a.UpdatedAt, Display.UserName(a.UpdatedBy), a.PreviousSecretValidUntil,
        ToJson(a.TokenLifetimes), a.RequirePkce);

    public static TokenLifetimesJson ToJson(TokenLifetimes? lifetimes) => new(
        TokenLifetimeKind.ToSeconds(lifetimes?.AccessToken), TokenLifetimeKind.ToSeconds(lifetimes?.RefreshToken), TokenLifetimeKind.ToSeconds(lifetimes?.AuthorizationCode));

    /// <summary>The lifetimes as the registry takes them (null stays null: on an update, "keep the current ones"), or the unknown members to refuse.</summary>
    public static (TokenLifetimes? Lifetimes, IReadOnlyList<FieldError> Errors) ReadLifetimes(TokenLifetimesRequest? request)
    {
        if (request is null)
        {
            return (null, []);
        }

        if (request.Unknown is { Count: > 0 } unknown)
        {
            return (null, [.. unknown.Keys.Select(name => new FieldError($"tokenLifetimes.{name}", "Unknown token lifetime: use accessToken, refreshToken or authorizationCode."))]);
        }

        return (new TokenLifetimes(
            TokenLifetimeKind.FromSeconds(request.AccessToken), TokenLifetimeKind.FromSeconds(request.RefreshToken), TokenLifetimeKind.FromSeconds(request.AuthorizationCode)), []);
    }

    public static CredentialsJson ToJson(ApplicationCredentials c) => new(c.ClientId, c.ClientSecret, c.PreviousSecretValidUntil);

    public static ProblemHttpResult ApplicationNotFound(string? detail = null) =>
        ApiResults.Problem(StatusCodes.Status404NotFound, "Application not found", detail ?? "No application with this client id.");

    /// <summary>
    /// The registry's refusal: 404 when it concerns the client id (no such
    /// application, or already deleted), else 400 naming each field as the
    /// registry does ("name", "redirectUrls[1]", ...).
    /// </summary>
    public static IResult Refusal(IReadOnlyList<FieldError> errors)
    {
        if (errors.FirstOrDefault(e => e.Field == "clientId") is { } unknown)
        {
            return ApplicationNotFound(unknown.Message);
        }

        return ApiResults.ValidationProblem(errors);
    }

    /// <summary>The JSON body, or the problem to answer with: 415 when it is not JSON, 400 naming the field whose value has the wrong type.</summary>
    public static async Task<(ApplicationRequest? Body, IResult? Problem)> ReadAsync(HttpRequest request)
    {
        if (!request.HasJsonContentType())
        {
            return (null, ApiResults.Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", "Send the application as JSON (Content-Type: application/json)."));
        }

        // A declared length is refused before reading; bodies without one are cut
        // off by the server at the endpoint's limit (see AdminApi).
        if (request.ContentLength > AdminApi.MaxBodyBytes)
        {
            return (null, ApiResults.Problem(StatusCodes.Status413PayloadTooLarge, "Request body too large", $"The request body can be at most {AdminApi.MaxBodyBytes} bytes."));
        }

        try
        {
            var body = await request.ReadFromJsonAsync<ApplicationRequest>(JsonSerializerOptions.Web, request.HttpContext.RequestAborted);
            return body is null
                ? (null, ApiResults.ValidationProblem([new FieldError("body", "Send a JSON object.")]))
                : (body, null);
        }
        catch (JsonException ex)
        {
            return (null, ApiResults.ValidationProblem([new FieldError(FieldOf(ex.Path), "This value is not valid JSON of the expected type.")]));
        }
        catch (BadHttpRequestException ex)
        {
            return (null, ApiResults.Problem(ex.StatusCode, ex.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Request body too large" : "Bad request", ex.Message));
        }
    }

    // "$.redirectUrls[1]" -> "redirectUrls[1]", the registry's way of naming fields.
    private static string FieldOf(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? "body" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;
}
