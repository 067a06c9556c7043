using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using TempoModular.Storage;

namespace TempoModular.Identity.Tests;

public sealed class PasswordRehashTests
{
    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.PostgreSql)]
    public async Task A_hash_made_with_fewer_iterations_than_the_hasher_now_uses_is_upgraded_at_the_next_sign_in(StorageProvider provider)
    {
        const string password = "a password from long ago";
        var iterations = 10_000;
        await using var silo = await IdentitySilo.StartAsync(provider, services: s =>
            s.Configure<PasswordHasherOptions>(o => o.IterationCount = iterations));
        var userName = IdentitySilo.NewUserName();
        Assert.Empty(await silo.User(userName).CreateAsync(new NewUser(userName, "Old Timer", password, TempoPermissions.None)));
        var oldHash = (await silo.StoredUserAsync(userName)).State.PasswordHash;
        Assert.Equal(10_000, IdentitySilo.V3IterationCount(oldHash));

        // A later release raises the work factor; the silo restarts with it.
        iterations = 120_000;
        await silo.RestartAsync();
        var result = await silo.User(userName).VerifyPasswordAsync(password);

        Assert.Equal(SignInOutcome.Succeeded, result.Outcome);
        var newHash = (await silo.StoredUserAsync(userName)).State.PasswordHash;
        Assert.Equal(120_000, IdentitySilo.V3IterationCount(newHash));
        Assert.Equal(SignInOutcome.Succeeded, (await silo.User(userName).VerifyPasswordAsync(password)).Outcome);
        Assert.Equal(newHash, (await silo.StoredUserAsync(userName)).State.PasswordHash);
    }
}
