using TempoModular.Storage;
using static TempoModular.Applications.Tests.Registrations;

namespace TempoModular.Applications.Tests;

/// <summary>Register, read, list, update, reveal, rotate, verify and delete, on real storage.</summary>
public abstract class ApplicationRegistryTests<TSilo>(TSilo silo) : IClassFixture<TSilo>
    where TSilo : ApplicationsSilo
{
    [Fact]
    public async Task Confidential_application_gets_a_client_id_and_a_client_secret()
    {
        var credentials = await silo.RegisterAsync(Confidential());

        Assert.Matches("^[A-Za-z0-9_-]{22}$", credentials.ClientId);
        Assert.Matches("^[A-Za-z0-9_-]{43}$", credentials.ClientSecret);
        Assert.Null(credentials.PreviousSecretValidUntil);
    }

    [Fact]
    public async Task A_reference_made_from_resolved_types_is_the_grain_GetGrain_names()
    {
        var credentials = await silo.RegisterAsync(Confidential());

        var fast = silo.Silo.Grains.Get<IOAuthApplicationGrain>(credentials.ClientId);
        var stock = silo.Application(credentials.ClientId);

        Assert.Equal(stock.GetGrainId(), fast.GetGrainId());
        Assert.Equal(((GrainReference)stock).InterfaceType, ((GrainReference)fast).InterfaceType);
        Assert.Equal((await stock.GetAsync())?.Name, (await fast.GetAsync())?.Name);
        Assert.NotNull(await fast.GetAsync());
        // Another interface of the same grain gets its own types.
        Assert.Equal(0, await silo.Silo.Grains.Get<IApplicationTokenSet>(credentials.ClientId).CountActiveTokensAsync());
    }

    [Fact]
    public async Task Public_application_gets_a_client_id_and_no_secret()
    {
        var credentials = await silo.RegisterAsync(Public());

        Assert.Matches("^[A-Za-z0-9_-]{22}$", credentials.ClientId);
        Assert.Null(credentials.ClientSecret);
    }

    [Fact]
    public async Task Registered_application_reads_back_as_entered()
    {
        var registration = Confidential() with { RedirectUrls = [RedirectUrl, "http://127.0.0.1:8400/cb"] };
        var credentials = await silo.RegisterAsync(registration);

        var details = await silo.GetExistingAsync(credentials.ClientId);

        Assert.Equal(credentials.ClientId, details.ClientId);
        Assert.Equal(registration.Name, details.Name);
        Assert.Equal(registration.RedirectUrls, details.RedirectUrls);
        Assert.Equal(ClientType.Confidential, details.ClientType);
        Assert.Equal(registration.GrantTypes, details.GrantTypes);
        Assert.Equal(silo.Clock.GetUtcNow(), details.CreatedAt);
        Assert.Equal((Actor, Actor), (details.CreatedBy, details.UpdatedBy));
        Assert.Equal(details.CreatedAt, details.UpdatedAt);
        Assert.Null(details.PreviousSecretValidUntil);
    }

    [Fact]
    public async Task Pkce_is_on_for_new_applications_settable_for_confidential_ones_and_never_off_for_public_ones()
    {
        var confidential = await silo.RegisterAsync(Confidential());
        var withoutPkce = await silo.RegisterAsync(Confidential() with { RequirePkce = false });
        var offAtFirst = (await silo.GetExistingAsync(withoutPkce.ClientId)).RequirePkce;
        var publicApp = await silo.RegisterAsync(Public());
        var refused = await silo.Directory.RegisterAsync(Public() with { RequirePkce = false }, Actor);
        var publicDetails = await silo.GetExistingAsync(publicApp.ClientId);
        var refusedUpdate = await silo.Directory.UpdateAsync(publicApp.ClientId,
            new ApplicationUpdate(publicDetails.Name, publicDetails.RedirectUrls, publicDetails.GrantTypes, RequirePkce: false), Actor);
        var switchedOn = await silo.Directory.UpdateAsync(withoutPkce.ClientId,
            new ApplicationUpdate((await silo.GetExistingAsync(withoutPkce.ClientId)).Name, [RedirectUrl], Confidential().GrantTypes, RequirePkce: true), Actor);

        Assert.True((await silo.GetExistingAsync(confidential.ClientId)).RequirePkce);
        Assert.False(offAtFirst);
        Assert.True(publicDetails.RequirePkce);
        Assert.Equal("requirePkce", Assert.Single(refused.Errors).Field);
        Assert.Equal("requirePkce", Assert.Single(refusedUpdate.Errors).Field);
        Assert.True(switchedOn.Value!.RequirePkce);
        Assert.True((await silo.GetExistingAsync(withoutPkce.ClientId)).RequirePkce);
    }

    [Fact]
    public async Task Unknown_client_id_reads_as_nothing()
    {
        Assert.Null(await silo.Application("no-such-client").GetAsync());
        Assert.Null(await silo.Application("no-such-client").RevealCredentialsAsync(Actor));
    }

    [Fact]
    public async Task Directory_lists_applications_sorted_by_name_ignoring_case()
    {
        var tag = Guid.NewGuid().ToString("N");
        foreach (var name in new[] { $"{tag} cherry", $"{tag} Banana", $"{tag} apple", $"{tag} Date" })
        {
            await silo.RegisterAsync(Public(name));
        }

        var page = await silo.Directory.ListAsync(1, 10, tag);

        Assert.Equal([$"{tag} apple", $"{tag} Banana", $"{tag} cherry", $"{tag} Date"], page.Items.Select(s => s.Name));
        Assert.Equal(4, page.TotalCount);
    }

    [Fact]
    public async Task Directory_summary_describes_the_application()
    {
        var registration = Confidential() with { RedirectUrls = [RedirectUrl, "https://integration.example/second"] };
        var credentials = await silo.RegisterAsync(registration);

        var summary = Assert.Single((await silo.Directory.ListAsync(1, 10, credentials.ClientId)).Items);

        Assert.Equal(
            (credentials.ClientId, registration.Name, ClientType.Confidential, 2, silo.Clock.GetUtcNow()),
            (summary.ClientId, summary.Name, summary.ClientType, summary.RedirectUrlCount, summary.CreatedAt));
        Assert.Equal(registration.GrantTypes, summary.GrantTypes);
    }

    [Fact]
    public async Task Directory_pages_are_one_based()
    {
        var tag = Guid.NewGuid().ToString("N");
        for (var i = 0; i < 5; i++)
        {
            await silo.RegisterAsync(Public($"{tag} {i}"));
        }

        var first = await silo.Directory.ListAsync(1, 2, tag);
        var third = await silo.Directory.ListAsync(3, 2, tag);
        var beyond = await silo.Directory.ListAsync(4, 2, tag);

        Assert.Equal([$"{tag} 0", $"{tag} 1"], first.Items.Select(s => s.Name));
        Assert.Equal([$"{tag} 4"], third.Items.Select(s => s.Name));
        Assert.Empty(beyond.Items);
        Assert.All(new[] { first, third, beyond }, p => Assert.Equal(5, p.TotalCount));
        Assert.Equal((3, 2), (third.Page, third.PageSize));
    }

    [Fact]
    public async Task Directory_page_size_is_kept_between_1_and_200_and_page_is_at_least_1()
    {
        var tag = Guid.NewGuid().ToString("N");
        await silo.RegisterAsync(Public($"{tag} a"));
        await silo.RegisterAsync(Public($"{tag} b"));

        var tooSmall = await silo.Directory.ListAsync(0, 0, tag);
        var tooLarge = await silo.Directory.ListAsync(-5, 5000, tag);

        Assert.Equal((1, 1), (tooSmall.Page, tooSmall.PageSize));
        Assert.Equal([$"{tag} a"], tooSmall.Items.Select(s => s.Name));
        Assert.Equal((1, 200), (tooLarge.Page, tooLarge.PageSize));
        Assert.Equal(2, tooLarge.Items.Count);
        Assert.Empty((await silo.Directory.ListAsync(int.MaxValue, 200, tag)).Items);
    }

    [Fact]
    public async Task Directory_filter_matches_name_or_client_id_ignoring_case()
    {
        var tag = Guid.NewGuid().ToString("N");
        var byName = await silo.RegisterAsync(Public($"Reporting {tag}"));
        var other = await silo.RegisterAsync(Public());

        var nameMatches = await silo.Directory.ListAsync(1, 10, $"  REPORTING {tag.ToUpperInvariant()} ");
        var idMatches = await silo.Directory.ListAsync(1, 10, other.ClientId[2..14].ToLowerInvariant());

        Assert.Equal(byName.ClientId, Assert.Single(nameMatches.Items).ClientId);
        Assert.Contains(idMatches.Items, s => s.ClientId == other.ClientId);
        Assert.Equal(await silo.CountListedApplicationsAsync(), (await silo.Directory.ListAsync(1, 1, "  ")).TotalCount);
    }

    [Fact]
    public async Task Update_replaces_name_redirect_urls_and_grant_types()
    {
        var credentials = await silo.RegisterAsync(Confidential());
        var created = await silo.GetExistingAsync(credentials.ClientId);
        silo.Clock.Advance(TimeSpan.FromMinutes(5));
        var update = new ApplicationUpdate(UniqueName("Renamed"), ["https://new.example/cb", "http://localhost:9000/cb"], [GrantTypes.ClientCredentials]);

        var result = await silo.Directory.UpdateAsync(credentials.ClientId, update, "second-admin");

        Assert.True(result.Succeeded, string.Join("; ", result.Errors));
        var details = await silo.GetExistingAsync(credentials.ClientId);
        Assert.Equal((details.Name, details.UpdatedAt), (result.Value!.Name, result.Value.UpdatedAt));
        Assert.Equal(update.Name, details.Name);
        Assert.Equal(update.RedirectUrls, details.RedirectUrls);
        Assert.Equal(update.GrantTypes, details.GrantTypes);
        Assert.Equal((created.CreatedAt, created.CreatedBy), (details.CreatedAt, details.CreatedBy));
        Assert.Equal((silo.Clock.GetUtcNow(), "second-admin"), (details.UpdatedAt, details.UpdatedBy));
        var summary = Assert.Single((await silo.Directory.ListAsync(1, 10, credentials.ClientId)).Items);
        Assert.Equal((update.Name, 2), (summary.Name, summary.RedirectUrlCount));
        Assert.Equal(update.GrantTypes, summary.GrantTypes);
    }

    [Fact]
    public async Task Renaming_frees_the_old_name()
    {
        var oldName = UniqueName("Old");
        var credentials = await silo.RegisterAsync(Confidential(oldName));
        var details = await silo.GetExistingAsync(credentials.ClientId);

        await silo.Directory.UpdateAsync(credentials.ClientId, UpdateOf(details) with { Name = UniqueName("New") }, Actor);

        await silo.RegisterAsync(Public(oldName));
    }

    [Fact]
    public async Task Client_type_stays_as_registered_through_updates()
    {
        var credentials = await silo.RegisterAsync(Public());
        var details = await silo.GetExistingAsync(credentials.ClientId);

        await silo.Directory.UpdateAsync(credentials.ClientId, UpdateOf(details) with { Name = UniqueName("Still public") }, Actor);

        Assert.Equal(ClientType.Public, (await silo.GetExistingAsync(credentials.ClientId)).ClientType);
        Assert.Equal(ClientType.Public, Assert.Single((await silo.Directory.ListAsync(1, 10, credentials.ClientId)).Items).ClientType);
    }

    [Fact]
    public async Task Reveal_returns_the_current_client_secret()
    {
        var credentials = await silo.RegisterAsync(Confidential());

        var revealed = await silo.Application(credentials.ClientId).RevealCredentialsAsync(Actor);

        Assert.Equal(credentials, revealed);
    }

    [Fact]
    public async Task Reveal_of_a_public_client_has_no_secret()
    {
        var credentials = await silo.RegisterAsync(Public());

        var revealed = await silo.Application(credentials.ClientId).RevealCredentialsAsync(Actor);

        Assert.Equal(new ApplicationCredentials(credentials.ClientId, null, null), revealed);
    }

    [Fact]
    public async Task Correct_secret_verifies()
    {
        var credentials = await silo.RegisterAsync(Confidential());

        Assert.True(await silo.Application(credentials.ClientId).VerifySecretAsync(credentials.ClientSecret!));
    }

    [Fact]
    public async Task Wrong_secret_does_not_verify()
    {
        var credentials = await silo.RegisterAsync(Confidential());
        var application = silo.Application(credentials.ClientId);
        var secret = credentials.ClientSecret!;
        var lastCharacterChanged = secret[..^1] + (secret[^1] == 'A' ? 'B' : 'A');

        Assert.False(await application.VerifySecretAsync(lastCharacterChanged));
        Assert.False(await application.VerifySecretAsync(secret.ToUpperInvariant() == secret ? secret.ToLowerInvariant() : secret.ToUpperInvariant()));
        Assert.False(await application.VerifySecretAsync(secret + "x"));
        Assert.False(await application.VerifySecretAsync(secret[..^1]));
        Assert.False(await application.VerifySecretAsync(""));
        Assert.False(await application.VerifySecretAsync(null!));
    }

    [Fact]
    public async Task Authenticate_returns_the_application_with_the_secret_check_of_VerifySecret()
    {
        var credentials = await silo.RegisterAsync(Confidential());
        var application = silo.Application(credentials.ClientId);

        var matched = await application.AuthenticateAsync(credentials.ClientSecret);
        Assert.Equal((credentials.ClientId, ClientType.Confidential, true), (matched!.Details.ClientId, matched.Details.ClientType, matched.SecretMatches));
        Assert.False((await application.AuthenticateAsync(credentials.ClientSecret + "x"))!.SecretMatches);
        Assert.False((await application.AuthenticateAsync(null))!.SecretMatches);
        Assert.Null(await silo.Application("no-such-client").AuthenticateAsync(credentials.ClientSecret));

        await silo.Directory.DeleteAsync(credentials.ClientId, Actor);
        Assert.Null(await application.AuthenticateAsync(credentials.ClientSecret));
    }

    [Fact]
    public async Task Secret_of_one_application_does_not_verify_for_another()
    {
        var first = await silo.RegisterAsync(Confidential());
        var second = await silo.RegisterAsync(Confidential());

        Assert.False(await silo.Application(second.ClientId).VerifySecretAsync(first.ClientSecret!));
    }

    [Fact]
    public async Task Public_client_and_unknown_client_id_never_verify_a_secret()
    {
        var credentials = await silo.RegisterAsync(Public());

        Assert.False(await silo.Application(credentials.ClientId).VerifySecretAsync(""));
        Assert.False(await silo.Application(credentials.ClientId).VerifySecretAsync("anything"));
        Assert.False(await silo.Application("no-such-client").VerifySecretAsync("anything"));
    }

    [Fact]
    public async Task Rotation_issues_a_new_secret_and_keeps_the_previous_one_for_the_grace_period()
    {
        var credentials = await silo.RegisterAsync(Confidential());
        var application = silo.Application(credentials.ClientId);

        var rotation = await application.RotateSecretAsync("rotating-admin");

        Assert.True(rotation.Succeeded, string.Join("; ", rotation.Errors));
        var rotated = rotation.Value!;
        Assert.Equal(credentials.ClientId, rotated.ClientId);
        Assert.NotEqual(credentials.ClientSecret, rotated.ClientSecret);
        Assert.Matches("^[A-Za-z0-9_-]{43}$", rotated.ClientSecret);
        Assert.Equal(silo.Clock.GetUtcNow() + ApplicationsSilo.GracePeriod, rotated.PreviousSecretValidUntil);
        Assert.Equal(rotated, await application.RevealCredentialsAsync(Actor));
        Assert.True(await application.VerifySecretAsync(rotated.ClientSecret!));
        Assert.True(await application.VerifySecretAsync(credentials.ClientSecret!));
        var details = await silo.GetExistingAsync(credentials.ClientId);
        Assert.Equal((rotated.PreviousSecretValidUntil, "rotating-admin"), (details.PreviousSecretValidUntil, details.UpdatedBy));
    }

    [Fact]
    public async Task Previous_secret_stops_working_when_the_grace_period_ends()
    {
        var credentials = await silo.RegisterAsync(Confidential());
        var application = silo.Application(credentials.ClientId);
        var rotated = (await application.RotateSecretAsync(Actor)).Value!;

        silo.Clock.Advance(ApplicationsSilo.GracePeriod - TimeSpan.FromSeconds(1));
        Assert.True(await application.VerifySecretAsync(credentials.ClientSecret!));

        silo.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.False(await application.VerifySecretAsync(credentials.ClientSecret!));
        Assert.True(await application.VerifySecretAsync(rotated.ClientSecret!));
        Assert.Null((await application.GetAsync())!.PreviousSecretValidUntil);
        Assert.Null((await application.RevealCredentialsAsync(Actor))!.PreviousSecretValidUntil);
    }

    [Fact]
    public async Task Rotating_again_within_the_grace_period_retires_the_oldest_secret()
    {
        var credentials = await silo.RegisterAsync(Confidential());
        var application = silo.Application(credentials.ClientId);
        var second = (await application.RotateSecretAsync(Actor)).Value!;
        silo.Clock.Advance(TimeSpan.FromMinutes(10));

        var third = (await application.RotateSecretAsync(Actor)).Value!;

        Assert.False(await application.VerifySecretAsync(credentials.ClientSecret!));
        Assert.True(await application.VerifySecretAsync(second.ClientSecret!));
        Assert.True(await application.VerifySecretAsync(third.ClientSecret!));
        Assert.Equal(silo.Clock.GetUtcNow() + ApplicationsSilo.GracePeriod, third.PreviousSecretValidUntil);
    }

    [Fact]
    public async Task Rotating_the_secret_of_a_public_client_is_refused_on_client_type()
    {
        var credentials = await silo.RegisterAsync(Public());

        var result = await silo.Application(credentials.ClientId).RotateSecretAsync(Actor);

        Assert.Equal("clientType", Assert.Single(result.Errors).Field);
        Assert.Null((await silo.Application(credentials.ClientId).RevealCredentialsAsync(Actor))!.ClientSecret);
    }

    [Fact]
    public async Task Rotating_the_secret_of_an_unknown_client_id_is_refused_on_client_id()
    {
        var result = await silo.Application("no-such-client").RotateSecretAsync(Actor);

        Assert.Equal("clientId", Assert.Single(result.Errors).Field);
    }

    [Fact]
    public async Task Deleted_application_is_gone_and_its_name_is_free()
    {
        var credentials = await silo.RegisterAsync(Confidential());
        var details = await silo.GetExistingAsync(credentials.ClientId);
        var listed = await silo.CountListedApplicationsAsync();

        var result = await silo.Directory.DeleteAsync(credentials.ClientId, Actor);

        Assert.True(result.Succeeded, string.Join("; ", result.Errors));
        Assert.Equal((details.ClientId, details.Name), (result.Value!.ClientId, result.Value.Name));
        Assert.Null(await silo.Application(credentials.ClientId).GetAsync());
        Assert.Null(await silo.Application(credentials.ClientId).RevealCredentialsAsync(Actor));
        Assert.Empty((await silo.Directory.ListAsync(1, 10, credentials.ClientId)).Items);
        Assert.Equal(listed - 1, await silo.CountListedApplicationsAsync());
        await silo.RegisterAsync(Public(details.Name.ToUpperInvariant()));
    }

    [Fact]
    public async Task Deleted_application_no_longer_verifies_its_secret()
    {
        var credentials = await silo.RegisterAsync(Confidential());
        var application = silo.Application(credentials.ClientId);
        var rotated = (await application.RotateSecretAsync(Actor)).Value!;
        Assert.True(await application.VerifySecretAsync(rotated.ClientSecret!));

        await silo.Directory.DeleteAsync(credentials.ClientId, Actor);

        Assert.False(await application.VerifySecretAsync(rotated.ClientSecret!));
        Assert.False(await application.VerifySecretAsync(credentials.ClientSecret!));
    }

    [Fact]
    public async Task Deleted_application_can_be_neither_updated_nor_rotated()
    {
        var credentials = await silo.RegisterAsync(Confidential());
        var details = await silo.GetExistingAsync(credentials.ClientId);
        await silo.Directory.DeleteAsync(credentials.ClientId, Actor);

        var update = await silo.Directory.UpdateAsync(credentials.ClientId, UpdateOf(details), Actor);
        var rotation = await silo.Application(credentials.ClientId).RotateSecretAsync(Actor);

        Assert.Equal("clientId", Assert.Single(update.Errors).Field);
        Assert.Equal("clientId", Assert.Single(rotation.Errors).Field);
        Assert.Null(await silo.Application(credentials.ClientId).GetAsync());
    }

    [Fact]
    public async Task Deleting_twice_says_already_deleted()
    {
        var credentials = await silo.RegisterAsync(Public());
        await silo.Directory.DeleteAsync(credentials.ClientId, Actor);

        var again = await silo.Directory.DeleteAsync(credentials.ClientId, Actor);

        var error = Assert.Single(again.Errors);
        Assert.Equal("clientId", error.Field);
        Assert.Contains("already deleted", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deleting_an_unknown_client_id_says_there_is_no_such_application()
    {
        var listed = await silo.CountListedApplicationsAsync();
        var stored = await silo.CountStoredApplicationsAsync();

        var result = await silo.Directory.DeleteAsync("no-such-client", Actor);

        var error = Assert.Single(result.Errors);
        Assert.Equal(("clientId", "No application with this client id."), (error.Field, error.Message));
        Assert.Equal(listed, await silo.CountListedApplicationsAsync());
        Assert.Equal(stored, await silo.CountStoredApplicationsAsync());
    }
}

public sealed class ApplicationRegistryOnSqlite(SqliteSilo silo) : ApplicationRegistryTests<SqliteSilo>(silo);

public sealed class ApplicationRegistryOnPostgreSql(PostgreSqlSilo silo) : ApplicationRegistryTests<PostgreSqlSilo>(silo);
