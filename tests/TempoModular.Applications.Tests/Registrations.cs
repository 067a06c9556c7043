namespace TempoModular.Applications.Tests;

/// <summary>Valid inputs to start from; a test changes the one thing it is about.</summary>
internal static class Registrations
{
    public const string Actor = "admin";

    public const string RedirectUrl = "https://integration.example/oauth/callback";

    /// <summary>A name no other test uses, so tests can share a silo.</summary>
    public static string UniqueName(string label = "Application") => $"{label} {Guid.NewGuid():N}";

    public static ApplicationRegistration Confidential(string? name = null) =>
        new(name ?? UniqueName(), [RedirectUrl], ClientType.Confidential, [GrantTypes.AuthorizationCode, GrantTypes.RefreshToken]);

    public static ApplicationRegistration Public(string? name = null) =>
        new(name ?? UniqueName(), [RedirectUrl], ClientType.Public, [GrantTypes.AuthorizationCode]);

    public static ApplicationUpdate UpdateOf(ApplicationDetails details) =>
        new(details.Name, details.RedirectUrls, details.GrantTypes);

    public static async Task<ApplicationCredentials> RegisterAsync(this ApplicationsSilo silo, ApplicationRegistration registration)
    {
        var result = await silo.Directory.RegisterAsync(registration, Actor);
        Assert.True(result.Succeeded, string.Join("; ", result.Errors));
        return result.Value!.Credentials;
    }

    public static async Task<ApplicationDetails> GetExistingAsync(this ApplicationsSilo silo, string clientId) =>
        await silo.Application(clientId).GetAsync() ?? throw new Xunit.Sdk.XunitException($"Application {clientId} does not exist.");
}
