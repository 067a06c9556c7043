namespace TempoModular.Identity.Users;

/// <summary>What a new user must look like; at most one error per field, in the form's words.</summary>
internal static class NewUserRules
{
    public const int MaxUserNameLength = 64;
    public const int MaxDisplayNameLength = 100;
    public const int MinPasswordLength = 12;

    public const string UserNameTaken = "This user name is already taken.";

    public static List<UserError> Validate(NewUser user, string grainKey)
    {
        var errors = new List<UserError>();
        var userName = user.UserName?.Trim() ?? "";
        if (UserNameError(userName, grainKey) is { } userNameError)
        {
            errors.Add(new UserError(Fields.UserName, userNameError));
        }

        var displayName = user.DisplayName?.Trim() ?? "";
        if (displayName.Length == 0)
        {
            errors.Add(new UserError(Fields.DisplayName, "Enter a display name."));
        }
        else if (displayName.Length > MaxDisplayNameLength)
        {
            errors.Add(new UserError(Fields.DisplayName, $"A display name has at most {MaxDisplayNameLength} characters."));
        }
        else if (displayName.Any(IsInvisibleControl))
        {
            errors.Add(new UserError(Fields.DisplayName, "A display name cannot contain control or text-direction characters."));
        }

        if (PasswordError(user.Password) is { } passwordError)
        {
            errors.Add(new UserError(Fields.Password, passwordError));
        }

        if (!IsKnown(user.Permissions))
        {
            errors.Add(new UserError(Fields.Permissions, "Unknown permission."));
        }

        return errors;
    }

    // Control characters (NUL, line breaks) and format characters (the bidi
    // overrides U+202A-202E and U+2066-2069, zero-width ones) make a name show
    // as something other than what it is: "Good\u202eevil" reads "Goodlive".
    private static bool IsInvisibleControl(char c) =>
        char.IsControl(c) || System.Globalization.CharUnicodeInfo.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format;

    public static string? PasswordError(string? password) =>
        // Counted in Unicode scalar values, so twelve characters are twelve
        // characters even when some of them take two UTF-16 code units.
        (password ?? "").EnumerateRunes().Count() < MinPasswordLength ? $"A password has at least {MinPasswordLength} characters." : null;

    /// <summary>Only the four Tempo/Jira flags; anything else is a caller's bug, not a future permission.</summary>
    public static bool IsKnown(TempoPermissions permissions) =>
        (permissions & ~TempoPermissions.OAuthApplicationAdministrator) == TempoPermissions.None;

    private static string? UserNameError(string userName, string grainKey)
    {
        if (userName.Length == 0)
        {
            return "Enter a user name.";
        }

        if (userName.Length > MaxUserNameLength)
        {
            return $"A user name has at most {MaxUserNameLength} characters.";
        }

        // ASCII only: names that look alike but differ (a Cyrillic "а" in "аdmin")
        // or that differ only in Unicode normalization would be distinct users.
        if (!userName.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '@' or '-'))
        {
            return "A user name may contain only letters, digits and . _ @ -";
        }

        // The grain key is the user name's identity; a user stored under another
        // key could never be found again by name.
        if (grainKey != UserNames.Normalize(userName))
        {
            return "This user name does not belong to this user.";
        }

        return null;
    }

    /// <summary>Field names as the sign-up and settings forms name their inputs.</summary>
    public static class Fields
    {
        public const string UserName = "userName";
        public const string DisplayName = "displayName";
        public const string Password = "password";
        public const string Permissions = "permissions";
    }
}
