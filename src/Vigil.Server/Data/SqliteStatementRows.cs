using System.Buffers;
using System.Data.Common;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Storage;
using SQLitePCL;

namespace Vigil.Server.Data;

/// <summary>
/// The SQLite side of <see cref="DirectStatement"/>: one prepared statement on the connection's own handle, executed
/// once per row with its values bound by position. Microsoft.Data.Sqlite looks every parameter up by name, converts
/// the name to UTF-8 and allocates a binder for each value of each row; in a profile of the writer alone (1,000,000 messages) that binding was a third
/// of the core. A column is bound here only when its provider value's type is one whose binding is plain (integer,
/// real, text, blob, a GUID as text or blob), exactly as Microsoft.Data.Sqlite binds it; an entity with any other
/// column keeps the ADO.NET path.
/// </summary>
internal static class SqliteStatementRows
{
    internal enum Binding
    {
        Integer,
        Real,
        Text,
        Blob,
        GuidText,
        GuidBlob,
    }

    /// <summary>How a column binds here, or null when only Microsoft.Data.Sqlite's own binding is known to be right.
    /// As in its binder, the provider value's type decides; the parameter's SQLite type only says whether a GUID is
    /// stored as a blob (the types it also steers, dates and times, stay on its path).</summary>
    public static Binding? BindingOf(RelationalTypeMapping mapping, DbParameter probe)
    {
        if (probe is not SqliteParameter parameter || (mapping.ClrType.IsEnum && mapping.Converter is null))
        {
            return null;
        }

        var provider = mapping.Converter?.ProviderClrType ?? mapping.ClrType;
        provider = Nullable.GetUnderlyingType(provider) ?? provider;
        return Type.GetTypeCode(provider) switch
        {
            TypeCode.Int64 or TypeCode.Int32 or TypeCode.Int16 or TypeCode.Byte or TypeCode.SByte or TypeCode.Boolean
                or TypeCode.UInt16 or TypeCode.UInt32 => Binding.Integer,
            TypeCode.Double => Binding.Real,
            TypeCode.String => Binding.Text,
            TypeCode.Object when provider == typeof(byte[]) => Binding.Blob,
            TypeCode.Object when provider == typeof(Guid) => parameter.SqliteType == SqliteType.Blob ? Binding.GuidBlob : Binding.GuidText,
            _ => null,
        };
    }

    /// <summary>Runs <paramref name="sql"/> once per row; returns the rows it changed.</summary>
    public static int Execute<TEntity>(SqliteConnection connection, string sql, IReadOnlyList<DirectStatement.Column> columns, IReadOnlyList<TEntity> rows,
        CancellationToken cancellationToken)
        where TEntity : class
    {
        var handle = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        using (var prepared = SqliteStatementCache.Prepare(connection, sql))
        {
            var statement = prepared.Statement;
            var buffer = ArrayPool<byte>.Shared.Rent(1024);
            var changed = 0;
            try
            {
                foreach (var row in rows)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    for (var i = 0; i < columns.Count; i++)
                    {
                        Bind(statement, i + 1, columns[i], row, ref buffer);
                    }

                    var stepped = raw.sqlite3_step(statement);
                    // Reset before reporting, so the statement never stays mid-step; a constraint error surfaces
                    // from the step's code, as Microsoft.Data.Sqlite reports it.
                    raw.sqlite3_reset(statement);
                    if (stepped != raw.SQLITE_DONE)
                    {
                        Check(stepped, handle);
                    }

                    changed += raw.sqlite3_changes(handle);
                }

                return changed;
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private static void Bind(sqlite3_stmt statement, int index, DirectStatement.Column column, object row, ref byte[] buffer) =>
        BindValue(statement, index, column, column.Getter.GetClrValue(row), ref buffer);

    /// <summary>Binds a model value (before its conversion to the provider's type) as Microsoft.Data.Sqlite would.</summary>
    internal static void BindValue(sqlite3_stmt statement, int index, DirectStatement.Column column, object? value, ref byte[] buffer)
    {
        if (value is not null && column.Mapping.Converter is { } converter)
        {
            value = converter.ConvertToProvider(value);
        }

        if (value is null or DBNull)
        {
            raw.sqlite3_bind_null(statement, index);
            return;
        }

        switch (column.Sqlite)
        {
            case Binding.Integer:
                raw.sqlite3_bind_int64(statement, index, value is bool flag ? (flag ? 1 : 0) : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
                break;
            case Binding.Real:
                var real = (double)value;
                raw.sqlite3_bind_double(statement, index, double.IsNaN(real) ? throw new InvalidOperationException("Cannot store 'NaN' values.") : real);
                break;
            case Binding.Text:
                var text = (string)value;
                var length = Encoding.UTF8.GetMaxByteCount(text.Length);
                if (buffer.Length < length)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = ArrayPool<byte>.Shared.Rent(length);
                }

                // SQLitePCL binds spans as SQLITE_TRANSIENT (SQLite copies them), so the buffer is free again at once.
                raw.sqlite3_bind_text(statement, index, buffer.AsSpan(0, Encoding.UTF8.GetBytes(text, buffer)));
                break;
            case Binding.Blob:
                raw.sqlite3_bind_blob(statement, index, (byte[])value);
                break;
            case Binding.GuidText:
                // Microsoft.Data.Sqlite stores a GUID as its upper-case "D" text.
                Span<byte> guid = stackalloc byte[36];
                ((Guid)value).TryFormat(guid, out _, "D");
                for (var i = 0; i < guid.Length; i++)
                {
                    if (guid[i] is >= (byte)'a' and <= (byte)'f')
                    {
                        guid[i] -= 'a' - 'A';
                    }
                }

                raw.sqlite3_bind_text(statement, index, guid);
                break;
            case Binding.GuidBlob:
                raw.sqlite3_bind_blob(statement, index, ((Guid)value).ToByteArray());
                break;
            default:
                throw new InvalidOperationException($"Column {column.ParameterName} has no SQLite binding.");
        }
    }

    /// <summary>The model value of result column <paramref name="index"/> (from 0), read as Microsoft.Data.Sqlite reads it.</summary>
    internal static object? Read(sqlite3_stmt statement, int index, DirectStatement.Column column)
    {
        if (raw.sqlite3_column_type(statement, index) == raw.SQLITE_NULL)
        {
            return null;
        }

        var mapping = column.Mapping;
        var provider = mapping.Converter?.ProviderClrType ?? mapping.ClrType;
        provider = Nullable.GetUnderlyingType(provider) ?? provider;
        object value = column.Sqlite switch
        {
            Binding.Integer => provider == typeof(long)
                ? raw.sqlite3_column_int64(statement, index)
                : Convert.ChangeType(raw.sqlite3_column_int64(statement, index), provider, System.Globalization.CultureInfo.InvariantCulture),
            Binding.Real => Convert.ChangeType(raw.sqlite3_column_double(statement, index), provider, System.Globalization.CultureInfo.InvariantCulture),
            Binding.Text => raw.sqlite3_column_text(statement, index).utf8_to_string(),
            Binding.Blob => raw.sqlite3_column_blob(statement, index).ToArray(),
            Binding.GuidText => Guid.Parse(raw.sqlite3_column_text(statement, index).utf8_to_string()),
            Binding.GuidBlob => new Guid(raw.sqlite3_column_blob(statement, index)),
            _ => throw new InvalidOperationException($"Column {column.ParameterName} has no SQLite binding."),
        };
        return mapping.Converter is { } converter ? converter.ConvertFromProvider(value) : value;
    }

    internal static void Check(int code, sqlite3 handle)
    {
        if (code != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(code, handle);
        }
    }
}
