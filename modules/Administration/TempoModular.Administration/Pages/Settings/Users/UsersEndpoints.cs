using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using TempoModular.Administration.Access;
using TempoModular.Administration.Api;
using TempoModular.Applications;
using TempoModular.Identity;

namespace TempoModular.Administration.Pages.Settings.Users;

/// <summary>A user; <c>permissions</c> names the ones held, in the product's words.</summary>
internal sealed record UserJson(string UserName, string DisplayName, IReadOnlyList<string> Permissions, bool Active, bool Administrator, DateTimeOffset CreatedAt);

/// <summary>The user and, when the server generated it, the password to hand over (shown once, never stored in clear).</summary>
internal sealed record UserPasswordJson(UserJson User, string? GeneratedPassword);

/// <summary>The body of <c>POST /api/admin/users</c>.</summary>
internal sealed class NewUserRequest
{
    public string? UserName { get; init; }

    public string? DisplayName { get; init; }

    /// <summary>At least 12 characters; left out, the server generates one and returns it once.</summary>
    public string? Password { get; init; }

    /// <summary>Any of "Tempo Administrator", "Jira Administrator", "Tempo Team Administrator", "Tempo Account Administrator".</summary>
    public string?[]? Permissions { get; init; }
}

internal sealed class PermissionsRequest
{
    public string?[]? Permissions { get; init; }
}

internal sealed class PasswordRequest
{
    /// <summary>Left out, the server generates one and returns it once.</summary>
    public string? Password { get; init; }
}

/// <summary>The users under <c>/api/admin/users</c>: what the users page does, for scripts.</summary>
internal static class UsersEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var users = api.MapGroup("/users").WithTags("Users");
        users.MapGet("", ListAsync)
            .WithName("ListUsers").WithSummary("Every user with their permissions, active or not.")
            .Produces<IReadOnlyList<UserJson>>();
        users.MapPost("", AddAsync)
            .WithName("AddUser").WithSummary("Adds a user; without a password the server generates one and returns it once.")
            .WithMetadata(new JsonRequestBody(typeof(NewUserRequest)))
            .Produces<UserPasswordJson>(StatusCodes.Status201Created)
            .ProducesValidationProblem();
        users.MapPut("/{userName}/permissions", SetPermissionsAsync)
            .WithName("SetUserPermissions").WithSummary("Replaces the user's permissions; the last active user holding all four keeps them.")
            .WithMetadata(new JsonRequestBody(typeof(PermissionsRequest)))
            .Produces<UserJson>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        users.MapPost("/{userName}/reset-password", ResetPasswordAsync)
            .WithName("ResetUserPassword").WithSummary("Sets a new password (generated and returned once when none is given); every sign-in of the user ends.")
            .WithMetadata(new JsonRequestBody(typeof(PasswordRequest)))
            .Produces<UserPasswordJson>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        users.MapPost("/{userName}/unlock", UnlockAsync)
            .WithName("UnlockUser").WithSummary("Lets a user whose name is throttled after wrong passwords try again at once.")
            .Produces<UserJson>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        users.MapPost("/{userName}/deactivate", DeactivateAsync)
            .WithName("DeactivateUser").WithSummary("Ends the user's sign-ins and revokes every grant they gave an application; refused for the last administrator.")
            .Produces<UserJson>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    public static UserJson ToJson(UserProfile user) => new(
        user.UserName, user.DisplayName, TempoPermissionNames.Held(user.Permissions), user.Active,
        user.Active && user.Permissions.HasFlag(TempoPermissions.OAuthApplicationAdministrator), user.CreatedAt);

    /// <summary>Permission names as the product writes them (any case); unknown ones are errors on "permissions".</summary>
    public static (TempoPermissions Permissions, IReadOnlyList<FieldError> Errors) ParsePermissions(IEnumerable<string?>? names)
    {
        var permissions = TempoPermissions.None;
        var errors = new List<FieldError>();
        foreach (var (name, index) in (names ?? []).Select((n, i) => (n, i)))
        {
            var match = TempoPermissionNames.Four.FirstOrDefault(p => string.Equals(p.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase));
            if (match.Name is null)
            {
                errors.Add(new FieldError($"permissions[{index}]", "Unknown permission: use Tempo Administrator, Jira Administrator, Tempo Team Administrator or Tempo Account Administrator."));
            }

            permissions |= match.Permission;
        }

        return (permissions, errors);
    }

    private static async Task<IResult> ListAsync(UserAdministration users) =>
        TypedResults.Ok((await users.ListAsync()).Select(u => ToJson(u.Profile)).ToList());

    private static async Task<IResult> AddAsync(HttpRequest request, ClaimsPrincipal user, UserAdministration users)
    {
        var (body, problem) = await ReadAsync<NewUserRequest>(request);
        if (problem is not null)
        {
            return problem;
        }

        var (permissions, errors) = ParsePermissions(body!.Permissions);
        if (errors.Count > 0)
        {
            return ApiResults.ValidationProblem(errors);
        }

        var outcome = await users.AddAsync(body.UserName, body.DisplayName, body.Password, permissions, Administrators.From(user, Administrator.ViaApi));
        return outcome.Succeeded
            ? TypedResults.Created($"{AdminApi.BasePath}/users/{Uri.EscapeDataString(outcome.User!.UserName)}", new UserPasswordJson(ToJson(outcome.User), outcome.GeneratedPassword))
            : Refusal(outcome);
    }

    private static async Task<IResult> SetPermissionsAsync(string userName, HttpRequest request, ClaimsPrincipal user, UserAdministration users)
    {
        var (body, problem) = await ReadAsync<PermissionsRequest>(request);
        if (problem is not null)
        {
            return problem;
        }

        var (permissions, errors) = ParsePermissions(body!.Permissions);
        if (errors.Count > 0)
        {
            return ApiResults.ValidationProblem(errors);
        }

        var outcome = await users.SetPermissionsAsync(userName, permissions, Administrators.From(user, Administrator.ViaApi));
        return outcome.Succeeded ? TypedResults.Ok(ToJson(outcome.User!)) : Refusal(outcome);
    }

    private static async Task<IResult> ResetPasswordAsync(string userName, HttpRequest request, ClaimsPrincipal user, UserAdministration users)
    {
        // A body is optional here: none means "generate one".
        PasswordRequest? body = null;
        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            (body, var problem) = await ReadAsync<PasswordRequest>(request);
            if (problem is not null)
            {
                return problem;
            }
        }

        var outcome = await users.ResetPasswordAsync(userName, body?.Password, Administrators.From(user, Administrator.ViaApi));
        return outcome.Succeeded ? TypedResults.Ok(new UserPasswordJson(ToJson(outcome.User!), outcome.GeneratedPassword)) : Refusal(outcome);
    }

    private static async Task<IResult> UnlockAsync(string userName, ClaimsPrincipal user, UserAdministration users)
    {
        var outcome = await users.UnlockAsync(userName, Administrators.From(user, Administrator.ViaApi));
        return outcome.Succeeded ? TypedResults.Ok(ToJson(outcome.User!)) : Refusal(outcome);
    }

    private static async Task<IResult> DeactivateAsync(string userName, ClaimsPrincipal user, UserAdministration users)
    {
        var outcome = await users.DeactivateAsync(userName, Administrators.From(user, Administrator.ViaApi));
        return outcome.Succeeded ? TypedResults.Ok(ToJson(outcome.User!)) : Refusal(outcome);
    }

    // "No such user" is a 404; anything else a validation problem naming the field.
    private static IResult Refusal(UserOutcome outcome) =>
        outcome.NotFound
            ? ApiResults.Problem(StatusCodes.Status404NotFound, "User not found", "There is no such user.")
            : ApiResults.ValidationProblem(outcome.Errors.Select(e => new FieldError(e.Field, e.Message)));

    private static async Task<(T? Body, IResult? Problem)> ReadAsync<T>(HttpRequest request) where T : class
    {
        if (!request.HasJsonContentType())
        {
            return (null, ApiResults.Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", "Send JSON (Content-Type: application/json)."));
        }

        try
        {
            return await request.ReadFromJsonAsync<T>(JsonSerializerOptions.Web, request.HttpContext.RequestAborted) is { } body
                ? (body, null)
                : (null, ApiResults.ValidationProblem([new FieldError("body", "Send a JSON object.")]));
        }
        catch (JsonException)
        {
            return (null, ApiResults.ValidationProblem([new FieldError("body", "This is not valid JSON of the expected shape.")]));
        }
    }
}
