"""What the API renders as a comment: a stored row, or one just accepted."""

from models import Comment
from service.moderation.intake import AcceptedComment

CommentLike = Comment | AcceptedComment
