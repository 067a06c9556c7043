using static TempoModular.Applications.Tests.Registrations;

namespace TempoModular.Applications.Tests;

/// <summary>Every rule of <see cref="ApplicationValidation"/>, through the directory on real storage: the refusal names the field and nothing is written.</summary>
public abstract class RegistrationValidationTests<TSilo>(TSilo silo) : IClassFixture<TSilo>
    where TSilo : ApplicationsSilo
{
    [Fact]
    public Task Blank_name_is_refused() =>
        AssertRefusedAsync(Confidential("   "), "name");

    [Fact]
    public Task Name_longer_than_100_characters_is_refused() =>
        AssertRefusedAsync(Confidential(new string('n', 101)), "name");

    [Fact]
    public async Task Name_of_100_characters_is_accepted_and_stored_trimmed()
    {
        var name = Guid.NewGuid().ToString("N") + new string('n', 68);
        var credentials = await silo.RegisterAsync(Confidential($"  {name}\t"));
        Assert.Equal(name, (await silo.GetExistingAsync(credentials.ClientId)).Name);
    }

    [Fact]
    public async Task Name_taken_by_another_application_in_another_case_is_refused()
    {
        var name = UniqueName("Taken");
        await silo.RegisterAsync(Confidential(name));
        await AssertRefusedAsync(Public($" {name.ToUpperInvariant()} "), "name");
    }

    [Theory]
    [InlineData(0, 0, 5, "tokenLifetimes.authorizationCode")]
    [InlineData(25 * 60, 0, 0, "tokenLifetimes.accessToken")]
    [InlineData(0, 30, 0, "tokenLifetimes.refreshToken")]
    [InlineData(0, 0, 11 * 60, "tokenLifetimes.authorizationCode")]
    public Task A_token_lifetime_outside_its_bounds_is_refused(int accessMinutes, int refreshMinutes, int codeSeconds, string field) =>
        AssertRefusedAsync(Confidential() with
        {
            TokenLifetimes = new TokenLifetimes(
                accessMinutes == 0 ? null : TimeSpan.FromMinutes(accessMinutes),
                refreshMinutes == 0 ? null : TimeSpan.FromMinutes(refreshMinutes),
                codeSeconds == 0 ? null : TimeSpan.FromSeconds(codeSeconds)),
        }, field);

    [Fact]
    public async Task Token_lifetimes_are_stored_and_kept_by_an_update_that_does_not_name_them()
    {
        var lifetimes = new TokenLifetimes(TimeSpan.FromMinutes(5), TimeSpan.FromDays(7), null);
        var credentials = await silo.RegisterAsync(Confidential(UniqueName("Lifetimes")) with { TokenLifetimes = lifetimes });
        var stored = await silo.GetExistingAsync(credentials.ClientId);
        Assert.Equal(lifetimes, stored.TokenLifetimes);

        var updated = await silo.Directory.UpdateAsync(
            credentials.ClientId, new ApplicationUpdate(stored.Name, stored.RedirectUrls, stored.GrantTypes), "test");

        Assert.True(updated.Succeeded);
        Assert.Equal(lifetimes, updated.Value!.TokenLifetimes);
    }

    [Fact]
    public Task Registration_without_a_redirect_url_is_refused() =>
        AssertRefusedAsync(Confidential() with { RedirectUrls = [] }, "redirectUrls");

    [Fact]
    public Task More_than_ten_redirect_urls_are_refused() =>
        AssertRefusedAsync(Confidential() with { RedirectUrls = [.. Enumerable.Range(0, 11).Select(i => $"https://app.example/cb/{i}")] }, "redirectUrls");

    [Fact]
    public async Task Ten_redirect_urls_are_accepted()
    {
        var credentials = await silo.RegisterAsync(Confidential() with { RedirectUrls = [.. Enumerable.Range(0, 10).Select(i => $"https://app.example/cb/{i}")] });
        Assert.Equal(10, (await silo.GetExistingAsync(credentials.ClientId)).RedirectUrls.Count);
    }

    [Fact]
    public Task Relative_redirect_url_is_refused() =>
        AssertRefusedAsync(Confidential() with { RedirectUrls = [RedirectUrl, "/oauth/callback"] }, "redirectUrls[1]");

    [Fact]
    public Task Plain_http_redirect_url_of_a_remote_host_is_refused() =>
        AssertRefusedAsync(Confidential() with { RedirectUrls = ["http://integration.example/oauth/callback"] }, "redirectUrls[0]");

    [Theory]
    [InlineData("http://127.0.0.1:49152/callback")]
    [InlineData("http://[::1]:49152/callback")]
    [InlineData("http://localhost/callback")]
    public async Task Plain_http_redirect_url_of_a_loopback_host_is_accepted(string url)
    {
        var credentials = await silo.RegisterAsync(Public() with { RedirectUrls = [url] });
        Assert.Equal([url], (await silo.GetExistingAsync(credentials.ClientId)).RedirectUrls);
    }

    [Fact]
    public Task Redirect_url_of_another_scheme_is_refused() =>
        AssertRefusedAsync(Confidential() with { RedirectUrls = ["ftp://integration.example/callback"] }, "redirectUrls[0]");

    [Fact]
    public Task Redirect_url_with_a_fragment_is_refused() =>
        AssertRefusedAsync(Confidential() with { RedirectUrls = ["https://integration.example/callback#done"] }, "redirectUrls[0]");

    [Fact]
    public Task Redirect_url_with_a_wildcard_is_refused() =>
        AssertRefusedAsync(Confidential() with { RedirectUrls = ["https://*.integration.example/callback"] }, "redirectUrls[0]");

    [Fact]
    public Task Redirect_url_with_a_user_name_and_password_is_refused() =>
        AssertRefusedAsync(Confidential() with { RedirectUrls = ["https://user:secret@integration.example/callback"] }, "redirectUrls[0]");

    [Fact]
    public Task Duplicate_redirect_url_is_refused() =>
        AssertRefusedAsync(Confidential() with { RedirectUrls = [RedirectUrl, RedirectUrl] }, "redirectUrls[1]");

    [Fact]
    public async Task Blank_redirect_url_is_refused_with_a_message()
    {
        var error = await AssertRefusedAsync(Confidential() with { RedirectUrls = [RedirectUrl, "  "] }, "redirectUrls[1]");
        Assert.Contains("empty", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Redirect_urls_are_kept_exactly_as_entered()
    {
        string[] urls = ["HTTPS://Integration.Example:443/OAuth/../Callback?b=2&a=1", "https://integration.example/callback/"];
        var credentials = await silo.RegisterAsync(Confidential() with { RedirectUrls = urls });
        Assert.Equal(urls, (await silo.GetExistingAsync(credentials.ClientId)).RedirectUrls);
    }

    [Fact]
    public Task Undefined_client_type_is_refused() =>
        AssertRefusedAsync(Confidential() with { ClientType = (ClientType)7 }, "clientType");

    [Fact]
    public async Task Implicit_grant_is_refused_as_deprecated()
    {
        var error = await AssertRefusedAsync(Public() with { GrantTypes = [GrantTypes.AuthorizationCode, GrantTypes.Implicit] }, "grantTypes");
        Assert.Contains("deprecated", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Password_grant_is_refused_as_not_allowed()
    {
        var error = await AssertRefusedAsync(Confidential() with { GrantTypes = [GrantTypes.Password] }, "grantTypes");
        Assert.Contains("not allowed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_grant_type_is_refused_by_name()
    {
        var error = await AssertRefusedAsync(Confidential() with { GrantTypes = [GrantTypes.AuthorizationCode, "urn:ietf:params:oauth:grant-type:device_code"] }, "grantTypes");
        Assert.Contains("urn:ietf:params:oauth:grant-type:device_code", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public Task Client_credentials_grant_is_refused_for_a_public_client() =>
        AssertRefusedAsync(Public() with { GrantTypes = [GrantTypes.AuthorizationCode, GrantTypes.ClientCredentials] }, "grantTypes");

    [Fact]
    public async Task Client_credentials_grant_is_accepted_for_a_confidential_client()
    {
        var credentials = await silo.RegisterAsync(Confidential() with { GrantTypes = [GrantTypes.ClientCredentials] });
        Assert.Equal([GrantTypes.ClientCredentials], (await silo.GetExistingAsync(credentials.ClientId)).GrantTypes);
    }

    [Fact]
    public Task Refresh_token_grant_without_authorization_code_is_refused() =>
        AssertRefusedAsync(Confidential() with { GrantTypes = [GrantTypes.RefreshToken, GrantTypes.ClientCredentials] }, "grantTypes");

    [Fact]
    public async Task No_grant_type_means_authorization_code()
    {
        var credentials = await silo.RegisterAsync(Public() with { GrantTypes = [] });
        Assert.Equal([GrantTypes.AuthorizationCode], (await silo.GetExistingAsync(credentials.ClientId)).GrantTypes);
    }

    [Fact]
    public async Task Repeated_grant_types_are_stored_once()
    {
        var credentials = await silo.RegisterAsync(Confidential() with
        {
            GrantTypes = [GrantTypes.RefreshToken, GrantTypes.AuthorizationCode, GrantTypes.RefreshToken, GrantTypes.AuthorizationCode],
        });
        Assert.Equal([GrantTypes.AuthorizationCode, GrantTypes.RefreshToken], (await silo.GetExistingAsync(credentials.ClientId)).GrantTypes);
    }

    [Fact]
    public async Task Every_broken_field_is_reported_at_once()
    {
        var result = await silo.Directory.RegisterAsync(new ApplicationRegistration("", ["http://remote.example/cb"], (ClientType)9, [GrantTypes.Implicit]), Actor);
        Assert.Equal(["name", "redirectUrls[0]", "clientType", "grantTypes"], result.Errors.Select(e => e.Field));
    }

    [Fact]
    public async Task Invalid_update_changes_nothing()
    {
        var credentials = await silo.RegisterAsync(Confidential());
        var before = await silo.GetExistingAsync(credentials.ClientId);
        silo.Clock.Advance(TimeSpan.FromMinutes(1));

        var result = await silo.Directory.UpdateAsync(credentials.ClientId, UpdateOf(before) with { Name = "Renamed", RedirectUrls = ["https://integration.example/cb#fragment"] }, Actor);

        Assert.Equal("redirectUrls[0]", Assert.Single(result.Errors).Field);
        var after = await silo.GetExistingAsync(credentials.ClientId);
        Assert.Equal((before.Name, before.UpdatedAt), (after.Name, after.UpdatedAt));
        Assert.Equal(before.Name, Assert.Single((await silo.Directory.ListAsync(1, 10, credentials.ClientId)).Items).Name);
    }

    [Fact]
    public async Task Renaming_to_the_name_of_another_application_is_refused()
    {
        var taken = UniqueName("Taken");
        await silo.RegisterAsync(Confidential(taken));
        var credentials = await silo.RegisterAsync(Confidential());
        var details = await silo.GetExistingAsync(credentials.ClientId);

        var result = await silo.Directory.UpdateAsync(credentials.ClientId, UpdateOf(details) with { Name = taken.ToLowerInvariant() }, Actor);

        Assert.Equal("name", Assert.Single(result.Errors).Field);
        Assert.Equal(details.Name, (await silo.GetExistingAsync(credentials.ClientId)).Name);
    }

    [Fact]
    public async Task Renaming_an_application_to_its_own_name_in_another_case_is_accepted()
    {
        var credentials = await silo.RegisterAsync(Confidential(UniqueName("lower case")));
        var details = await silo.GetExistingAsync(credentials.ClientId);

        var result = await silo.Directory.UpdateAsync(credentials.ClientId, UpdateOf(details) with { Name = details.Name.ToUpperInvariant() }, Actor);

        Assert.True(result.Succeeded, string.Join("; ", result.Errors));
        Assert.Equal(details.Name.ToUpperInvariant(), (await silo.GetExistingAsync(credentials.ClientId)).Name);
    }

    [Fact]
    public async Task Update_asking_client_credentials_for_a_public_client_is_refused()
    {
        var credentials = await silo.RegisterAsync(Public());
        var details = await silo.GetExistingAsync(credentials.ClientId);

        var result = await silo.Directory.UpdateAsync(credentials.ClientId, UpdateOf(details) with { GrantTypes = [GrantTypes.AuthorizationCode, GrantTypes.ClientCredentials] }, Actor);

        Assert.Equal("grantTypes", Assert.Single(result.Errors).Field);
        Assert.Equal([GrantTypes.AuthorizationCode], (await silo.GetExistingAsync(credentials.ClientId)).GrantTypes);
    }

    [Fact]
    public async Task Update_of_an_unknown_client_id_is_refused_on_client_id()
    {
        var result = await silo.Directory.UpdateAsync("no-such-client", new ApplicationUpdate(UniqueName(), [RedirectUrl], []), Actor);
        Assert.Equal("clientId", Assert.Single(result.Errors).Field);
    }

    private async Task<FieldError> AssertRefusedAsync(ApplicationRegistration registration, string field)
    {
        var listedBefore = await silo.CountListedApplicationsAsync();
        var storedBefore = await silo.CountStoredApplicationsAsync();

        var result = await silo.Directory.RegisterAsync(registration, Actor);

        Assert.False(result.Succeeded);
        Assert.Null(result.Value);
        var error = Assert.Single(result.Errors);
        Assert.Equal(field, error.Field);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
        Assert.Equal(listedBefore, await silo.CountListedApplicationsAsync());
        Assert.Equal(storedBefore, await silo.CountStoredApplicationsAsync());
        return error;
    }
}

public sealed class RegistrationValidationOnSqlite(SqliteSilo silo) : RegistrationValidationTests<SqliteSilo>(silo);

public sealed class RegistrationValidationOnPostgreSql(PostgreSqlSilo silo) : RegistrationValidationTests<PostgreSqlSilo>(silo);
