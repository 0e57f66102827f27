using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Vigil.Server.Data;

/// <summary>Stores an instant as its UTC ticks; reads it back as UTC.</summary>
internal sealed class UtcTicksConverter() : ValueConverter<DateTimeOffset, long>(
    value => value.UtcTicks,
    ticks => new DateTimeOffset(ticks, TimeSpan.Zero));
