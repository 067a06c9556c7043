using TempoModular.Testing;

namespace TempoModular.Identity.Tests;

/// <summary>The user grain on a real silo, once on SQLite and once on PostgreSQL (the nested classes).</summary>
public abstract class UserGrainTests(IdentitySiloFixture fixture)
{
    private const string Password = "a long enough password";

    private TestSilo Silo => fixture.Silo;

    private ManualTimeProvider Clock => fixture.Clock;

    public sealed class OnSqlite(SqliteSiloFixture fixture) : UserGrainTests(fixture), IClassFixture<SqliteSiloFixture>;

    public sealed class OnPostgreSql(PostgreSqlSiloFixture fixture) : UserGrainTests(fixture), IClassFixture<PostgreSqlSiloFixture>;

    [Fact]
    public async Task A_created_user_reads_back_with_its_name_as_entered_and_is_listed_in_the_directory()
    {
        var userName = "Ada." + Guid.NewGuid().ToString("N")[..8];

        var errors = await Silo.User(userName).CreateAsync(new NewUser("  " + userName + " ", "  Ada Lovelace ", Password, TempoPermissions.TempoAdministrator));

        Assert.Empty(errors);
        var profile = await Silo.User(userName.ToLowerInvariant()).GetAsync();
        Assert.Equal(new UserProfile(userName, "Ada Lovelace", TempoPermissions.TempoAdministrator, Clock.GetUtcNow()), profile! with { SecurityStamp = "" });
        Assert.Matches("^[0-9A-F]{32}$", profile.SecurityStamp);
        Assert.Contains(UserNames.Normalize(userName), await Silo.Directory().ListUserNamesAsync());
    }

    [Fact]
    public async Task Names_and_passwords_exactly_at_their_limits_are_accepted()
    {
        var userName = (IdentitySilo.NewUserName() + "_@-").PadRight(64, 'x');

        var errors = await Silo.User(userName).CreateAsync(new NewUser(userName, new string('d', 100), new string('p', 12), TempoPermissions.None));

        Assert.Empty(errors);
    }

    [Fact]
    public async Task An_empty_user_name_is_refused_and_nothing_is_written()
    {
        // Orleans has no grain for an empty key; a caller reaches some user's grain with an empty name.
        var key = IdentitySilo.NewUserName();

        var errors = await Silo.User(key).CreateAsync(new NewUser("  ", "Nobody", Password, TempoPermissions.None));

        AssertOnlyError("userName", errors);
        Assert.Equal("Enter a user name.", errors[0].Message);
        await AssertNothingWrittenAsync(key);
    }

    [Fact]
    public async Task A_user_name_longer_than_64_characters_is_refused_and_nothing_is_written()
    {
        var userName = IdentitySilo.NewUserName().PadRight(65, 'x');

        var errors = await Silo.User(userName).CreateAsync(new NewUser(userName, "Too Long", Password, TempoPermissions.None));

        AssertOnlyError("userName", errors);
        await AssertNothingWrittenAsync(userName);
    }

    [Theory]
    [InlineData("ada lovelace")]
    [InlineData("ada!")]
    [InlineData("ada/../admin")]
    [InlineData("\u0430dmin")] // Cyrillic "а": looks like "admin", is not.
    [InlineData("ad\u00e5")]
    public async Task A_user_name_with_anything_but_letters_digits_dot_underscore_at_or_hyphen_is_refused_and_nothing_is_written(string userName)
    {
        var errors = await Silo.User(userName).CreateAsync(new NewUser(userName, "Odd Name", Password, TempoPermissions.None));

        AssertOnlyError("userName", errors);
        await AssertNothingWrittenAsync(userName);
    }

    [Theory]
    [InlineData("Good\u202eevil")] // RIGHT-TO-LEFT OVERRIDE: shows as "Goodlive".
    [InlineData("Ada\u2066Lovelace")] // LEFT-TO-RIGHT ISOLATE
    [InlineData("Ada\u200bLovelace")] // ZERO WIDTH SPACE
    [InlineData("Ada\0Lovelace")]
    [InlineData("Ada\nLovelace")]
    public async Task A_display_name_with_control_or_format_characters_is_refused_and_nothing_is_written(string displayName)
    {
        var userName = IdentitySilo.NewUserName();

        var errors = await Silo.User(userName).CreateAsync(new NewUser(userName, displayName, Password, TempoPermissions.None));

        AssertOnlyError("displayName", errors);
        await AssertNothingWrittenAsync(userName);
    }

    [Fact]
    public async Task A_user_name_that_is_not_the_grain_key_is_refused_and_nothing_is_written()
    {
        var key = IdentitySilo.NewUserName();
        var other = IdentitySilo.NewUserName();

        var errors = await Silo.User(key).CreateAsync(new NewUser(other, "Impostor", Password, TempoPermissions.None));

        AssertOnlyError("userName", errors);
        await AssertNothingWrittenAsync(key);
        await AssertNothingWrittenAsync(other);
    }

    [Fact]
    public async Task A_blank_display_name_is_refused_and_nothing_is_written()
    {
        var userName = IdentitySilo.NewUserName();

        var errors = await Silo.User(userName).CreateAsync(new NewUser(userName, " \t ", Password, TempoPermissions.None));

        AssertOnlyError("displayName", errors);
        await AssertNothingWrittenAsync(userName);
    }

    [Fact]
    public async Task A_display_name_longer_than_100_characters_after_trimming_is_refused_and_nothing_is_written()
    {
        var userName = IdentitySilo.NewUserName();

        var errors = await Silo.User(userName).CreateAsync(new NewUser(userName, " " + new string('d', 101) + " ", Password, TempoPermissions.None));

        AssertOnlyError("displayName", errors);
        await AssertNothingWrittenAsync(userName);
    }

    [Fact]
    public async Task A_password_shorter_than_12_characters_is_refused_and_nothing_is_written()
    {
        var userName = IdentitySilo.NewUserName();

        var errors = await Silo.User(userName).CreateAsync(new NewUser(userName, "Short Password", new string('p', 11), TempoPermissions.None));

        AssertOnlyError("password", errors);
        await AssertNothingWrittenAsync(userName);
    }

    [Fact]
    public async Task Permissions_other_than_the_four_are_refused_and_nothing_is_written()
    {
        var userName = IdentitySilo.NewUserName();

        var errors = await Silo.User(userName).CreateAsync(new NewUser(userName, "Overreach", Password, (TempoPermissions)16));

        AssertOnlyError("permissions", errors);
        await AssertNothingWrittenAsync(userName);
    }

    [Fact]
    public async Task A_taken_user_name_is_refused_in_any_casing_and_the_existing_user_is_unchanged()
    {
        var userName = IdentitySilo.NewUserName();
        await CreateAsync(userName, TempoPermissions.JiraAdministrator);
        var before = await Silo.StoredUserAsync(userName);

        var errors = await Silo.User(userName).CreateAsync(new NewUser(userName.ToUpperInvariant(), "Usurper", "another long password", TempoPermissions.OAuthApplicationAdministrator));

        AssertOnlyError("userName", errors);
        var after = await Silo.StoredUserAsync(userName);
        Assert.Equal(before.ETag, after.ETag);
        Assert.Equal(before.State.PasswordHash, after.State.PasswordHash);
        Assert.Equal("Test User", (await Silo.User(userName).GetAsync())!.DisplayName);
    }

    [Fact]
    public async Task The_right_password_signs_in_and_returns_the_profile()
    {
        var userName = IdentitySilo.NewUserName();
        await CreateAsync(userName, TempoPermissions.TempoTeamAdministrator);

        var result = await Silo.User(userName).VerifyPasswordAsync(Password);

        Assert.Equal(SignInOutcome.Succeeded, result.Outcome);
        Assert.Equal(userName, result.User!.UserName);
        Assert.Equal(TempoPermissions.TempoTeamAdministrator, result.User.Permissions);
    }

    [Fact]
    public async Task A_wrong_password_is_refused_as_wrong_credentials()
    {
        var userName = IdentitySilo.NewUserName();
        await CreateAsync(userName);

        var result = await Silo.User(userName).VerifyPasswordAsync(Password + "!");

        Assert.Equal(new SignInResult(SignInOutcome.WrongCredentials, null), result);
    }

    [Fact]
    public async Task An_unknown_user_gets_the_same_answer_as_a_wrong_password_and_nothing_is_written()
    {
        var userName = IdentitySilo.NewUserName();

        var result = await Silo.User(userName).VerifyPasswordAsync(Password);

        Assert.Equal(new SignInResult(SignInOutcome.WrongCredentials, null), result);
        await AssertNothingWrittenAsync(userName);
    }

    [Fact]
    public async Task Wrong_passwords_never_lock_the_account_and_are_not_written()
    {
        var userName = IdentitySilo.NewUserName();
        await CreateAsync(userName);
        var user = Silo.User(userName);
        var stored = (await Silo.StoredUserAsync(userName)).ETag;

        for (var attempt = 0; attempt < 20; attempt++)
        {
            Assert.Equal(SignInOutcome.WrongCredentials, (await user.VerifyPasswordAsync("wrong password " + attempt)).Outcome);
        }

        // Throttling happens per source at the edge (SignInThrottle); the account
        // itself cannot be locked, so nobody can lock the administrator out.
        Assert.Equal(SignInOutcome.Succeeded, (await user.VerifyPasswordAsync(Password)).Outcome);
        Assert.Equal(stored, (await Silo.StoredUserAsync(userName)).ETag);
    }

    [Fact]
    public async Task Permissions_can_be_read_and_replaced()
    {
        var userName = IdentitySilo.NewUserName();
        await CreateAsync(userName, TempoPermissions.TempoAdministrator);
        var user = Silo.User(userName);

        Assert.Empty(await Silo.Directory().SetPermissionsAsync(userName, TempoPermissions.OAuthApplicationAdministrator));
        Assert.Equal(TempoPermissions.OAuthApplicationAdministrator, (await user.GetAsync())!.Permissions);

        Assert.Empty(await Silo.Directory().SetPermissionsAsync(userName, TempoPermissions.JiraAdministrator | TempoPermissions.TempoAccountAdministrator));
        Assert.Equal(TempoPermissions.JiraAdministrator | TempoPermissions.TempoAccountAdministrator, (await user.GetAsync())!.Permissions);
        Assert.Equal(TempoPermissions.JiraAdministrator | TempoPermissions.TempoAccountAdministrator, (await Silo.StoredUserAsync(userName)).State.Permissions);
    }

    [Fact]
    public async Task Unknown_permissions_and_unknown_users_cannot_be_given_permissions()
    {
        var userName = IdentitySilo.NewUserName();
        await CreateAsync(userName, TempoPermissions.TempoAdministrator);

        Assert.Equal("permissions", Assert.Single(await Silo.Directory().SetPermissionsAsync(userName, (TempoPermissions)32)).Field);
        Assert.Equal("userName", Assert.Single(await Silo.Directory().SetPermissionsAsync(IdentitySilo.NewUserName(), TempoPermissions.TempoAdministrator)).Field);
        Assert.Equal(TempoPermissions.TempoAdministrator, (await Silo.User(userName).GetAsync())!.Permissions);
    }

    [Fact]
    public async Task Users_and_their_permissions_survive_a_silo_restart()
    {
        var userName = IdentitySilo.NewUserName();
        await CreateAsync(userName, TempoPermissions.TempoAccountAdministrator);
        var profile = await Silo.User(userName).GetAsync();

        await Silo.RestartAsync();

        Assert.Equal(profile, await Silo.User(userName).GetAsync());
        Assert.Contains(UserNames.Normalize(userName), await Silo.Directory().ListUserNamesAsync());
        Assert.Equal(SignInOutcome.Succeeded, (await Silo.User(userName).VerifyPasswordAsync(Password)).Outcome);
    }

    [Fact]
    public async Task Storage_holds_the_password_hash_and_never_the_password()
    {
        var userName = IdentitySilo.NewUserName();
        const string password = "Unmistakable-Plaintext-Password-7731";
        await Silo.User(userName).CreateAsync(new NewUser(userName, "Hashed", password, TempoPermissions.None));
        await Silo.User(userName).VerifyPasswordAsync(password);

        var stored = await Silo.StoredUserAsync(userName);
        var dump = await Silo.Database.DumpAsync();

        Assert.True(IdentitySilo.V3IterationCount(stored.State.PasswordHash) >= 100_000);
        Assert.Contains(stored.State.PasswordHash, dump);
        Assert.Contains(userName, dump);
        Assert.DoesNotContain(password, dump, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(password)), dump);
    }

    private async Task CreateAsync(string userName, TempoPermissions permissions = TempoPermissions.None)
    {
        Assert.Empty(await Silo.User(userName).CreateAsync(new NewUser(userName, "Test User", Password, permissions)));
    }

    private static void AssertOnlyError(string field, IReadOnlyList<UserError> errors)
    {
        var error = Assert.Single(errors);
        Assert.Equal(field, error.Field);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }

    private async Task AssertNothingWrittenAsync(string userName)
    {
        Assert.Null(await Silo.User(userName).GetAsync());
        Assert.False((await Silo.StoredUserAsync(userName)).RecordExists);
        Assert.DoesNotContain(UserNames.Normalize(userName), await Silo.Directory().ListUserNamesAsync());
    }
}
