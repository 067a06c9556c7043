using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using TempoModular.Storage;

namespace TempoModular.Identity.Users;

/// <summary>One user: profile, password hash, permissions and the lockout counter.</summary>
internal sealed class UserGrain(
    [PersistentState("user", StorageRegistration.GrainStorage)] IPersistentState<UserState> user,
    PasswordHashing passwords,
    IOptions<LockoutOptions> lockout,
    TimeProvider clock)
    : Grain, IUserGrain
{
    private static readonly SignInResult WrongCredentials = new(SignInOutcome.WrongCredentials, null, null);

    public async Task<IReadOnlyList<UserError>> CreateAsync(NewUser newUser)
    {
        ArgumentNullException.ThrowIfNull(newUser);
        var key = this.GetPrimaryKeyString();
        var errors = NewUserRules.Validate(newUser, key);
        if (user.RecordExists)
        {
            if (!errors.Any(e => e.Field == NewUserRules.Fields.UserName))
            {
                errors.Insert(0, new UserError(NewUserRules.Fields.UserName, NewUserRules.UserNameTaken));
            }

            // A crash between this grain's write and the directory's would leave a
            // user the directory does not list (and the bootstrap would think the
            // site has no users); adding again is idempotent and heals that.
            await Directory.AddAsync(key);
        }

        if (errors.Count > 0)
        {
            return errors;
        }

        user.State = new UserState
        {
            UserName = newUser.UserName.Trim(),
            DisplayName = newUser.DisplayName.Trim(),
            PasswordHash = passwords.Hash(newUser.Password),
            Permissions = newUser.Permissions,
            CreatedAt = clock.GetUtcNow(),
        };
        await SaveAsync();

        // After our own write: a user the directory lists always exists.
        await Directory.AddAsync(key);
        return [];
    }

    public Task<UserProfile?> GetAsync() => Task.FromResult(user.RecordExists ? Profile() : null);

    public async Task<SignInResult> VerifyPasswordAsync(string password)
    {
        password ??= "";
        if (!user.RecordExists)
        {
            // Same PBKDF2 work as for a real user, so the response time does not
            // tell an attacker which user names exist.
            passwords.VerifyUnknownUser(password);
            return WrongCredentials;
        }

        var state = user.State;
        var now = clock.GetUtcNow();
        if (state.LockoutEnd is { } lockedUntil && lockedUntil > now)
        {
            // Not even checked: while locked, a guess neither succeeds nor costs us a hash.
            return new SignInResult(SignInOutcome.LockedOut, null, lockedUntil);
        }

        var result = passwords.Verify(state.PasswordHash, password);
        if (result == PasswordVerificationResult.Failed)
        {
            state.FailedAttempts++;
            if (state.FailedAttempts >= lockout.Value.MaxFailedAttempts)
            {
                state.FailedAttempts = 0;
                state.LockoutEnd = now + lockout.Value.Duration;
            }

            // Saved on every failure: a restart or another activation must not hand out fresh attempts.
            await SaveAsync();
            return state.LockoutEnd is { } end && end > now
                ? new SignInResult(SignInOutcome.LockedOut, null, end)
                : WrongCredentials;
        }

        var changed = state.FailedAttempts != 0 || state.LockoutEnd is not null;
        state.FailedAttempts = 0;
        state.LockoutEnd = null;
        if (result == PasswordVerificationResult.SuccessRehashNeeded)
        {
            // The stored hash uses an older format or fewer iterations than the
            // hasher now asks for; the password is at hand only now, so upgrade it.
            state.PasswordHash = passwords.Hash(password);
            changed = true;
        }

        if (changed)
        {
            await SaveAsync();
        }

        return new SignInResult(SignInOutcome.Succeeded, Profile(), null);
    }

    public async Task SetPermissionsAsync(TempoPermissions permissions)
    {
        if (!user.RecordExists)
        {
            throw new InvalidOperationException($"There is no user '{this.GetPrimaryKeyString()}'.");
        }

        if (!NewUserRules.IsKnown(permissions))
        {
            throw new ArgumentOutOfRangeException(nameof(permissions), permissions, "Unknown permission.");
        }

        if (user.State.Permissions == permissions)
        {
            return;
        }

        user.State.Permissions = permissions;
        await SaveAsync();
    }

    private IUserDirectoryGrain Directory => GrainFactory.GetGrain<IUserDirectoryGrain>(0);

    private UserProfile Profile() =>
        new(user.State.UserName, user.State.DisplayName, user.State.Permissions, user.State.CreatedAt);

    private async Task SaveAsync()
    {
        try
        {
            await user.WriteStateAsync();
        }
        catch
        {
            // What is in memory was not saved (storage down, or another activation
            // wrote first); the next activation starts from what storage holds.
            DeactivateOnIdle();
            throw;
        }
    }
}
