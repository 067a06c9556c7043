using Microsoft.AspNetCore.Identity;
using TempoModular.Storage;

namespace TempoModular.Identity.Users;

/// <summary>One user: profile, password hash and permissions. Wrong passwords are throttled at the edge (SignInThrottle), not counted here.</summary>
internal sealed class UserGrain(
    [PersistentState("user", StorageRegistration.GrainStorage)] IPersistentState<UserState> user,
    PasswordHashing passwords,
    TimeProvider clock)
    : Grain, IUserGrain, IUserAccount
{
    private static readonly SignInResult WrongCredentials = new(SignInOutcome.WrongCredentials, null);

    private bool _rehashing;

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
            SecurityStamp = NewStamp(),
        };
        await SaveAsync();

        // After our own write: a user the directory lists always exists.
        await Directory.AddAsync(key);
        return [];
    }

    // Guessed names must not pile up as activations.
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        this.ForgetUnlessStored(() => user.RecordExists);
        return base.OnActivateAsync(cancellationToken);
    }

    public Task<UserProfile?> GetAsync() => Task.FromResult(user.RecordExists ? Profile() : null);

    public async Task<SignInResult> VerifyPasswordAsync(string password)
    {
        password ??= "";
        if (!user.RecordExists)
        {
            // Same PBKDF2 work as for a real user, so the response time does not
            // tell an attacker which user names exist.
            await Task.Run(() => passwords.VerifyUnknownUser(password));
            return WrongCredentials;
        }

        // No failure counter and no lockout: a per-account lock let anyone lock the
        // administrator out, and writing on every failure let a flood of guesses
        // write to storage. SignInThrottle limits guesses per source instead.
        var state = user.State;
        if (state.DeactivatedAt is not null)
        {
            // The same work and the same answer as for an unknown user.
            await Task.Run(() => passwords.VerifyUnknownUser(password));
            return WrongCredentials;
        }

        // On the thread pool: this call interleaves with other checks of this
        // user ([ReadOnly]), which only helps if the hash is not run on the
        // grain's own turn (100,000 PBKDF2 rounds, tens of milliseconds each;
        // ten concurrent Basic requests queued for seconds and timed out).
        var hash = state.PasswordHash;
        var result = await Task.Run(() => passwords.Verify(hash, password));
        if (result == PasswordVerificationResult.Failed)
        {
            return WrongCredentials;
        }

        if (result == PasswordVerificationResult.SuccessRehashNeeded && !_rehashing && state.PasswordHash == hash)
        {
            // The stored hash uses an older format or fewer iterations than the
            // hasher now asks for; the password is at hand only now, so upgrade it.
            // Writing calls never run beside read-only ones, but interleaved checks
            // do run beside each other: one of them writes.
            _rehashing = true;
            try
            {
                state.PasswordHash = await Task.Run(() => passwords.Hash(password));
                await SaveAsync();
            }
            finally
            {
                _rehashing = false;
            }
        }

        return new SignInResult(SignInOutcome.Succeeded, Profile());
    }

    public async Task<bool> SetPermissionsAsync(TempoPermissions permissions)
    {
        if (!NewUserRules.IsKnown(permissions))
        {
            throw new ArgumentOutOfRangeException(nameof(permissions), permissions, "Unknown permission.");
        }

        if (!user.RecordExists)
        {
            return false;
        }

        // No new stamp: sign-ins read the permissions on every request, so a
        // change applies to the user's next request without signing them out.
        if (user.State.Permissions != permissions)
        {
            user.State.Permissions = permissions;
            await SaveAsync();
        }

        return true;
    }

    public async Task<bool> DeactivateAsync()
    {
        if (!user.RecordExists)
        {
            return false;
        }

        if (user.State.DeactivatedAt is null)
        {
            user.State.DeactivatedAt = clock.GetUtcNow();
            user.State.SecurityStamp = NewStamp();
            await SaveAsync();
        }

        return true;
    }

    public async Task<IReadOnlyList<UserError>> ResetPasswordAsync(string password)
    {
        if (!user.RecordExists)
        {
            return [new UserError(NewUserRules.Fields.UserName, "There is no such user.")];
        }

        if (NewUserRules.PasswordError(password) is { } error)
        {
            return [new UserError(NewUserRules.Fields.Password, error)];
        }

        user.State.PasswordHash = passwords.Hash(password);

        // Whoever knew the old password may be signed in with it.
        user.State.SecurityStamp = NewStamp();
        await SaveAsync();
        return [];
    }

    public async Task EndSessionsAsync()
    {
        if (!user.RecordExists)
        {
            return;
        }

        user.State.SecurityStamp = NewStamp();
        await SaveAsync();
    }

    private IUserDirectoryMembership Directory => GrainFactory.GetGrain<IUserDirectoryMembership>(0);

    private UserProfile Profile()
    {
        var state = user.State;
        return new(state.UserName, state.DisplayName, state.Permissions, state.CreatedAt, state.DeactivatedAt is null, state.SecurityStamp);
    }

    // Random, so a stamp cannot be predicted from an earlier one.
    private static string NewStamp() => Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));

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
