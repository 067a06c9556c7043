namespace TempoModular.Applications;

/// <summary>Refusals that the directory and the application grain both give.</summary>
internal static class RegistryErrors
{
    public static readonly FieldError NoSuchApplication = new("clientId", "No application with this client id.");

    public static readonly FieldError AlreadyDeleted = new("clientId", "This application is already deleted.");

    public static readonly FieldError NameTaken = new("name", "Another application already has this name.");

    public static readonly FieldError PublicClientHasNoSecret = new("clientType", "A public client has no client secret to rotate.");
}
